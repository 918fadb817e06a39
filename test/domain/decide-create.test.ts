import { describe, test } from "vitest";
import { completed, created, createTask, deleted, renamed, TASK_ID } from "./fixtures";
import { given } from "./given";

describe("decide CreateTask", () => {
  test("createTask: a new id yields TaskCreated with the text exactly as given", () => {
    given()
      .when(createTask(TASK_ID, "  Do the dishes!\n\tthen dry them  "))
      .then([created("  Do the dishes!\n\tthen dry them  ")]);
  });

  test("createTask: an id that already exists is a CONFLICT", () => {
    given(created("Do the dishes!"), completed)
      .when(createTask(TASK_ID, "Something else"))
      .then({ code: "CONFLICT", field: "taskId", message: `task ${TASK_ID} already exists` });
  });

  test("createTask: the id of a deleted task cannot be reused", () => {
    given(created("Do the dishes!"), renamed("Dishes"), deleted)
      .when(createTask(TASK_ID, "Again"))
      .then({ code: "CONFLICT", field: "taskId", message: `task ${TASK_ID} already exists` });
  });

  test("createTask: an id that is not a lowercase canonical UUID is BAD_USER_INPUT", () => {
    given().when(createTask(TASK_ID.toUpperCase(), "Do the dishes!")).then({
      code: "BAD_USER_INPUT",
      field: "taskId",
      message: "taskId must be a lowercase canonical UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)",
    });
  });

  test("createTask: whitespace-only text is BAD_USER_INPUT", () => {
    given()
      .when(createTask(TASK_ID, " \n\t "))
      .then({ code: "BAD_USER_INPUT", field: "text", message: "text must not be empty or whitespace only" });
  });

  test("createTask: input is validated before existence", () => {
    given(created("Do the dishes!"))
      .when(createTask(TASK_ID, ""))
      .then({ code: "BAD_USER_INPUT", field: "text", message: "text must not be empty or whitespace only" });
  });
});
