// GraphiQL from the `graphiql` package itself (bundled with React by web/build.ts), talking to this worker's
// /graphql: nothing is loaded from another origin, so it works with no network but the one to this server.
import { GraphiQL } from "graphiql";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

// The original walkthrough, named so that one document holds all four (GraphiQL asks which one to run).
const SEED = `# The four operations of the walkthrough. Run CreateTask, then List; paste an id into the other two.

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

async function fetcher(params) {
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

const root = document.getElementById("graphiql");
if (root) createRoot(root).render(createElement(GraphiQL, { fetcher, defaultQuery: SEED }));
