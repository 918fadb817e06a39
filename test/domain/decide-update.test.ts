import { describe, test } from "vitest";
import {
  completed,
  created,
  deleted,
  OTHER_TASK_ID,
  renamed,
  reopened,
  TASK_ID,
  updateTask,
} from "./fixtures";
import { given } from "./given";

describe("decide UpdateTask", () => {
  test("updateTask: a new text yields TaskRenamed only", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Do the dishes now!", false))
      .then([renamed("Do the dishes now!")]);
  });

  test("updateTask: done true on an open task yields TaskCompleted only", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Do the dishes!", true))
      .then([completed]);
  });

  test("updateTask: done false on a done task yields TaskReopened only", () => {
    given(created("Do the dishes!"), completed)
      .when(updateTask(TASK_ID, "Do the dishes!", false))
      .then([reopened]);
  });

  test("updateTask: a new text and done true yield TaskRenamed then TaskCompleted", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Dishes: done", true))
      .then([renamed("Dishes: done"), completed]);
  });

  test("updateTask: a new text and done false on a done task yield TaskRenamed then TaskReopened", () => {
    given(created("Do the dishes!"), completed)
      .when(updateTask(TASK_ID, "Dishes, again", false))
      .then([renamed("Dishes, again"), reopened]);
  });

  test("updateTask: nothing changed yields no event and no error", () => {
    given(created("Do the dishes!"), completed)
      .when(updateTask(TASK_ID, "Do the dishes!", true))
      .then([]);
  });

  test("updateTask: text differing only in whitespace is a rename (text is never trimmed)", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Do the dishes! ", false))
      .then([renamed("Do the dishes! ")]);
  });

  test("updateTask: an unknown id is NOT_FOUND", () => {
    given()
      .when(updateTask(OTHER_TASK_ID, "Do the dishes!", true))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${OTHER_TASK_ID} does not exist` });
  });

  test("updateTask: a deleted task is NOT_FOUND", () => {
    given(created("Do the dishes!"), deleted)
      .when(updateTask(TASK_ID, "Do the dishes!", true))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${TASK_ID} has been deleted` });
  });

  test("updateTask: a matching expectedVersion is accepted", () => {
    given(created("Do the dishes!"), completed)
      .when(updateTask(TASK_ID, "Do the dishes!", false, 2))
      .then([reopened]);
  });

  test("updateTask: a stale expectedVersion is a CONFLICT", () => {
    given(created("Do the dishes!"), completed)
      .when(updateTask(TASK_ID, "Do the dishes!", false, 1))
      .then({
        code: "CONFLICT",
        field: "expectedVersion",
        message: `task ${TASK_ID} is at version 2, not the expected version 1`,
      });
  });

  test("updateTask: a stale expectedVersion is a CONFLICT even when nothing would change", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Do the dishes!", false, 3))
      .then({
        code: "CONFLICT",
        field: "expectedVersion",
        message: `task ${TASK_ID} is at version 1, not the expected version 3`,
      });
  });

  test("updateTask: a null expectedVersion means no version check", () => {
    given(created("Do the dishes!"), renamed("Dishes"))
      .when(updateTask(TASK_ID, "Dishes", true, null))
      .then([completed]);
  });

  test("updateTask: a deleted task is NOT_FOUND even with its current expectedVersion", () => {
    given(created("Do the dishes!"), deleted)
      .when(updateTask(TASK_ID, "Do the dishes!", true, 2))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${TASK_ID} has been deleted` });
  });

  test.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "updateTask: expectedVersion %s is BAD_USER_INPUT",
    (expectedVersion) => {
      given(created("Do the dishes!"))
        .when(updateTask(TASK_ID, "Do the dishes!", true, expectedVersion))
        .then({
          code: "BAD_USER_INPUT",
          field: "expectedVersion",
          message: "expectedVersion must be a non-negative integer",
        });
    },
  );

  test("updateTask: a done flag that is not a boolean is BAD_USER_INPUT", () => {
    given(created("Do the dishes!"))
      .when(updateTask(TASK_ID, "Do the dishes!", "yes" as unknown as boolean))
      .then({ code: "BAD_USER_INPUT", field: "done", message: "done must be a boolean" });
  });

  test("updateTask: invalid text on an unknown id is BAD_USER_INPUT (validation comes first)", () => {
    given()
      .when(updateTask(OTHER_TASK_ID, "bell\u0007", false))
      .then({
        code: "BAD_USER_INPUT",
        field: "text",
        message: "text must not contain control characters other than newline and tab: found U+0007",
      });
  });
});
