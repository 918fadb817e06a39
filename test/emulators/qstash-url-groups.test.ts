/**
 * URL group management (docs/protocols.md#url-groups) through the unmodified client: upsert of endpoints,
 * get, list, removal (the group disappears with its last endpoint) and delete.
 */
import { describe, expect, it } from "vitest";
import { useQStash } from "./support/qstash-fixture";

const TOKEN = "groups-test-token";

const qstash = useQStash({
  token: TOKEN,
  currentSigningKey: "sig_groupsCurrent",
  nextSigningKey: "sig_groupsNext",
});

const unique = (prefix: string) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

describe("url groups", () => {
  it("urlGroups.addEndpoints: creates the group, then upserts by URL and name", async () => {
    const name = unique("upsert");

    await qstash.client.urlGroups.addEndpoints({
      name,
      endpoints: [{ name: "a", url: "https://a.example/hook" }],
    });
    await qstash.client.urlGroups.addEndpoints({
      name,
      endpoints: [{ name: "a", url: "https://a2.example/hook" }, { url: "https://b.example/hook?x=1" }],
    });
    const group = await qstash.client.urlGroups.get(name);

    expect(group).toEqual({
      name,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      endpoints: [{ name: "a", url: "https://a2.example/hook" }, { url: "https://b.example/hook?x=1" }],
    });
    expect(group.updatedAt).toBeGreaterThanOrEqual(group.createdAt);
  });

  it("urlGroups.list: includes every group with its endpoints", async () => {
    const name = unique("listed");
    await qstash.client.urlGroups.addEndpoints({ name, endpoints: [{ url: "https://listed.example/" }] });

    const groups = await qstash.client.urlGroups.list();

    expect(groups.find((g) => g.name === name)).toEqual({
      name,
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
      endpoints: [{ url: "https://listed.example/" }],
    });
  });

  it("urlGroups.removeEndpoints: removes by name or URL, and the last removal deletes the group", async () => {
    const name = unique("remove");
    await qstash.client.urlGroups.addEndpoints({
      name,
      endpoints: [{ name: "one", url: "https://one.example/" }, { url: "https://two.example/" }],
    });

    await qstash.client.urlGroups.removeEndpoints({ name, endpoints: [{ name: "one" }] });
    const afterFirst = await qstash.client.urlGroups.get(name);
    await qstash.client.urlGroups.removeEndpoints({ name, endpoints: [{ url: "https://two.example/" }] });

    expect(afterFirst.endpoints).toEqual([{ url: "https://two.example/" }]);
    await expect(qstash.client.urlGroups.get(name)).rejects.toMatchObject({ status: 404 });
  });

  it("urlGroups.delete: deletes the group; getting it is then 404", async () => {
    const name = unique("deleted");
    await qstash.client.urlGroups.addEndpoints({ name, endpoints: [{ url: "https://gone.example/" }] });

    await qstash.client.urlGroups.delete(name);

    const res = await fetch(`${qstash.emulator.url}/v2/topics/${name}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: `url group ${name} not found`, status: 404 });
  });

  it("urlGroups.addEndpoints: an endpoint URL that is not http(s) is 400", async () => {
    const name = unique("bad-endpoint");

    const res = await fetch(`${qstash.emulator.url}/v2/topics/${name}/endpoints`, {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ endpoints: [{ url: "ftp://files.example/" }] }),
    });

    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: "endpoints[0].url is not a valid http(s) url: ftp://files.example/",
      status: 400,
    });
  });
});
