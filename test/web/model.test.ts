/** The app's pure model: what the person sees is the confirmed list with the unsent changes applied, in order. */
import { describe, expect, test } from "vitest";
import { filterOf, filterTodos, itemsWord, type Op, type Todo, visible } from "../../web/app/model";

const base: Todo[] = [
  { id: "a", title: "one", completed: false },
  { id: "b", title: "two", completed: true },
];

describe("app model", () => {
  test("visible: unsent changes apply on top of the confirmed list, in order, each touching only its field", () => {
    const ops: Op[] = [
      { kind: "create", id: "local:x", title: "three", key: "k1" },
      { kind: "rename", id: "a", title: "one!", key: "k2" },
      { kind: "delete", id: "b", key: "k3" },
      { kind: "complete", id: "local:x", key: "k4" },
      { kind: "complete", id: "a", key: "k5" },
      { kind: "reopen", id: "a", key: "k6" },
    ];
    expect(visible(base, ops)).toEqual([
      { id: "a", title: "one!", completed: false },
      { id: "local:x", title: "three", completed: true },
    ]);
  });

  test("filterOf: #/, #/active, #/completed and the #!/ form", () => {
    expect([filterOf(""), filterOf("#/"), filterOf("#/active"), filterOf("#!/completed")]).toEqual([
      "all",
      "all",
      "active",
      "completed",
    ]);
    expect(filterTodos(base, "active").map((t) => t.id)).toEqual(["a"]);
    expect(filterTodos(base, "completed").map((t) => t.id)).toEqual(["b"]);
  });

  test("itemsWord: 0 items, 1 item, 2 items", () => {
    expect([0, 1, 2].map(itemsWord)).toEqual(["items", "item", "items"]);
  });
});
