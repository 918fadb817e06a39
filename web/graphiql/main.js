// GraphiQL from the `graphiql` package itself (bundled with React by web/build.ts), talking to this worker's
// /graphql: nothing is loaded from another origin, so it works with no network but the one to this server.
import { GraphiQL } from "graphiql";
import { getOperationAST, parse } from "graphql";
import { createClient } from "graphql-ws";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

// The list this page works on: the one the app opened it with (`/graphql?listId=...`), else the default list.
const listId = new URLSearchParams(location.search).get("listId");
const quoted = JSON.stringify(listId ?? "");

// The original walkthrough, named so that one document holds all four (GraphiQL asks which one to run).
const DEFAULT_SEED = `# The four operations of the walkthrough, on the default list (the operator's: the app's todos are not on it;
# open GraphiQL from the app, its footer link, to work on the app's list). Run CreateTask, then List; paste an id
# into the other two.

mutation CreateTask {
  createTask(text: "Do the dishes!") { id text done }
}

query List {
  list { id text done }
}

mutation UpdateTask {
  updateTask(id: "...", text: "Do the dishes!", done: true) { id text done }
}

mutation DeleteTask {
  deleteTask(id: "...")
}
`;

// Opened from the app: the same operations on the app's list, and its live changes (run Live, then change the list
// in the app or here: each change shows on the right as it happens).
const LIST_SEED = `# The list the app opened this page with: ${listId}
# Run Live to watch its changes as they happen (its first answer, token null, says it is watching);
# run List, CreateTask, and paste an id into the others.

subscription Live {
  listChanged(listId: ${quoted}) { token deleted tasks { id text done version } }
}

query List {
  tasks(listId: ${quoted}) { tasks { id text done version } nextCursor }
}

mutation CreateTask {
  createTask(text: "Do the dishes!", listId: ${quoted}) { id text done }
}

mutation UpdateTask {
  updateTask(id: "...", text: "Do the dishes!", done: true, listId: ${quoted}) { id text done }
}

mutation DeleteTask {
  deleteTask(id: "...", listId: ${quoted})
}
`;

async function post(params) {
  const res = await fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json, application/json",
    },
    body: JSON.stringify(params),
  });
  return res.json();
}

// Subscriptions run over a WebSocket to the list the page was opened with (graphql-transport-ws).
let live;
function liveClient() {
  if (!live) {
    const url = new URL("/graphql", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (listId) url.searchParams.set("listId", listId);
    live = createClient({ url: url.toString(), lazy: true, retryAttempts: 3 });
  }
  return live;
}

function isSubscription(params) {
  try {
    return getOperationAST(parse(params.query), params.operationName)?.operation === "subscription";
  } catch {
    return false;
  }
}

function fetcher(params) {
  return isSubscription(params) ? liveClient().iterate(params) : post(params);
}

// What GraphiQL keeps (the editors, the tabs) is kept per list, so the page opened on a list shows that list's
// operations, not those last typed for another one.
const prefix = `graphiql:${listId ?? "default"}:`;
const storage = {
  getItem: (key) => localStorage.getItem(prefix + key),
  setItem: (key, value) => localStorage.setItem(prefix + key, value),
  removeItem: (key) => localStorage.removeItem(prefix + key),
  clear: () => {
    for (const key of Object.keys(localStorage)) if (key.startsWith(prefix)) localStorage.removeItem(key);
  },
  get length() {
    return Object.keys(localStorage).filter((key) => key.startsWith(prefix)).length;
  },
};

const root = document.getElementById("graphiql");
if (root)
  createRoot(root).render(
    createElement(GraphiQL, { fetcher, storage, defaultQuery: listId ? LIST_SEED : DEFAULT_SEED }),
  );
