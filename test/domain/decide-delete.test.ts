import { describe, test } from "vitest";
import { completed, created, deleted, deleteTask, OTHER_TASK_ID, renamed, TASK_ID } from "./fixtures";
import { given } from "./given";

describe("decide DeleteTask", () => {
  test("deleteTask: a live task yields TaskDeleted", () => {
    given(created("Do the dishes!"), completed).when(deleteTask(TASK_ID)).then([deleted]);
  });

  test("deleteTask: deleting twice is NOT_FOUND the second time", () => {
    given(created("Do the dishes!"), deleted)
      .when(deleteTask(TASK_ID))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${TASK_ID} has been deleted` });
  });

  test("deleteTask: an unknown id is NOT_FOUND", () => {
    given()
      .when(deleteTask(OTHER_TASK_ID))
      .then({ code: "NOT_FOUND", field: "taskId", message: `task ${OTHER_TASK_ID} does not exist` });
  });

  test("deleteTask: a matching expectedVersion is accepted", () => {
    given(created("Do the dishes!"), renamed("Dishes"), completed)
      .when(deleteTask(TASK_ID, 3))
      .then([deleted]);
  });

  test("deleteTask: a stale expectedVersion is a CONFLICT", () => {
    given(created("Do the dishes!"), renamed("Dishes"))
      .when(deleteTask(TASK_ID, 1))
      .then({
        code: "CONFLICT",
        field: "expectedVersion",
        message: `task ${TASK_ID} is at version 2, not the expected version 1`,
      });
  });

  test("deleteTask: an id that is not a UUID is BAD_USER_INPUT", () => {
    given().when(deleteTask("task-1")).then({
      code: "BAD_USER_INPUT",
      field: "taskId",
      message: "taskId must be a lowercase canonical UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)",
    });
  });
});
