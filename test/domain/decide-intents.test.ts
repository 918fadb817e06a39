/**
 * The intents RenameTask, CompleteTask and ReopenTask: each says what the user did to one field, so it emits at
 * most one event and never touches the other field (two clients changing different fields both apply). They check
 * in the same order as UpdateTask: input, existence, expected version.
 */
import { describe, test } from "vitest";
import type { TaskCommand } from "../../shared/domain";
import {
  completed,
  completeTask,
  created,
  deleted,
  OTHER_TASK_ID,
  renamed,
  renameTask,
  reopened,
  reopenTask,
  TASK_ID,
  updateTask,
} from "./fixtures";
import { given } from "./given";

describe("decide RenameTask", () => {
  test("renameTask: a new text yields TaskRenamed only", () => {
    given(created("Do the dishes!"))
      .when(renameTask(TASK_ID, "Do the dishes now!"))
      .then([renamed("Do the dishes now!")]);
  });

  test("renameTask: the same text yields no event and no error", () => {
    given(created("Do the dishes!"), completed).when(renameTask(TASK_ID, "Do the dishes!")).then([]);
  });

  test("renameTask: text differing only in whitespace is a rename (text is never trimmed)", () => {
    given(created("Do the dishes!"))
      .when(renameTask(TASK_ID, "Do the dishes! "))
      .then([renamed("Do the dishes! ")]);
  });

  test("renameTask: invalid text on an unknown id is BAD_USER_INPUT (validation comes first)", () => {
    given()
      .when(renameTask(OTHER_TASK_ID, "   "))
      .then({ code: "BAD_USER_INPUT", field: "text", message: "text must not be empty or whitespace only" });
  });

  test("renameTask: a rename after a complete decided on the same version keeps the completion", () => {
    // Client A completes, client B renames, both having read version 1: B's rename carries no done flag.
    given(created("Do the dishes!"), completed)
      .when(renameTask(TASK_ID, "Wash up"))
      .then([renamed("Wash up")]);
  });
});

describe("decide CompleteTask", () => {
  test("completeTask: an open task yields TaskCompleted only", () => {
    given(created("Do the dishes!")).when(completeTask(TASK_ID)).then([completed]);
  });

  test("completeTask: a done task yields no event and no error", () => {
    given(created("Do the dishes!"), completed).when(completeTask(TASK_ID)).then([]);
  });

  test("completeTask: a complete after a rename decided on the same version keeps the rename", () => {
    // Client A renames, client B completes, both having read version 1: B's complete carries no text.
    given(created("Do the dishes!"), renamed("Wash up")).when(completeTask(TASK_ID)).then([completed]);
  });
});

describe("decide ReopenTask", () => {
  test("reopenTask: a done task yields TaskReopened only", () => {
    given(created("Do the dishes!"), completed).when(reopenTask(TASK_ID)).then([reopened]);
  });

  test("reopenTask: an open task yields no event and no error", () => {
    given(created("Do the dishes!"), completed, reopened).when(reopenTask(TASK_ID)).then([]);
  });
});

/** Each intent, on TASK_ID or another id, with an expected version; the rename's text changes nothing else. */
const INTENTS: Array<[string, (taskId: string, expectedVersion?: number | null) => TaskCommand]> = [
  ["renameTask", (taskId, expectedVersion) => renameTask(taskId, "Renamed", expectedVersion)],
  ["completeTask", completeTask],
  ["reopenTask", reopenTask],
];

describe.each(INTENTS)("decide %s: what it shares with updateTask", (name, intent) => {
  test(`${name}: an unknown id is NOT_FOUND`, () => {
    given()
      .when(intent(OTHER_TASK_ID))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${OTHER_TASK_ID} does not exist` });
  });

  test(`${name}: a deleted task is NOT_FOUND, even with its current expectedVersion`, () => {
    given(created("Do the dishes!"), deleted)
      .when(intent(TASK_ID, 2))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${TASK_ID} has been deleted` });
  });

  test(`${name}: a stale expectedVersion is a CONFLICT, even when nothing would change`, () => {
    given(created("Renamed"), completed, reopened)
      .when(intent(TASK_ID, 1))
      .then({
        code: "CONFLICT",
        field: "expectedVersion",
        message: `task ${TASK_ID} is at version 3, not the expected version 1`,
      });
  });

  test(`${name}: a matching or null expectedVersion is no obstacle`, () => {
    for (const expectedVersion of [2, null]) {
      given(created("Renamed"), completed)
        .when(intent(TASK_ID, expectedVersion))
        .then(name === "reopenTask" ? [reopened] : []);
    }
  });

  test.each([-1, 1.5, Number.NaN])(`${name}: expectedVersion %s on an unknown id is BAD_USER_INPUT`, (v) => {
    given().when(intent(OTHER_TASK_ID, v)).then({
      code: "BAD_USER_INPUT",
      field: "expectedVersion",
      message: "expectedVersion must be a non-negative integer",
    });
  });

  test(`${name}: a task id that is not a UUID is BAD_USER_INPUT`, () => {
    given().when(intent("TASK-1")).then({
      code: "BAD_USER_INPUT",
      field: "taskId",
      message: "taskId must be a lowercase canonical UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)",
    });
  });
});

describe("intents against updateTask", () => {
  test("updateTask with the text read before a rename undoes it; completeTask does not", () => {
    // Both clients read version 1 ("Do the dishes!", open); A renamed to "Wash up" meanwhile.
    const afterRename = [created("Do the dishes!"), renamed("Wash up")];
    given(...afterRename)
      .when(updateTask(TASK_ID, "Do the dishes!", true))
      .then([renamed("Do the dishes!"), completed]);
    given(...afterRename)
      .when(completeTask(TASK_ID))
      .then([completed]);
  });
});
