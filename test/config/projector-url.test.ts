/**
 * `PROJECTOR_URL` is where pokes are sent and the `sub` their signature is checked against: over plain http a poke
 * and its signature cross the network readable and alterable, so it must be https, except on this machine's own
 * loopback (`npm run dev`, the tests).
 */
import { describe, expect, it } from "vitest";
import { qstashConfig, signingConfig } from "../../shared/config";

const BINDINGS = {
  QSTASH_TOKEN: "token",
  QSTASH_CURRENT_SIGNING_KEY: "current",
  QSTASH_NEXT_SIGNING_KEY: "next",
};

describe("PROJECTOR_URL", () => {
  it.each([
    "https://projector.example.com/projection",
    "http://127.0.0.1:8788/projection",
    "http://localhost:8788/projection",
    "http://[::1]:8788/projection",
  ])("%s: accepted by the command worker and the projector", (url) => {
    expect(qstashConfig({ ...BINDINGS, PROJECTOR_URL: url }).projectorUrl).toBe(url);
    expect(signingConfig({ ...BINDINGS, PROJECTOR_URL: url }).projectorUrl).toBe(url);
  });

  it.each([
    "http://projector.example.com/projection",
    "http://10.0.0.7:8788/projection",
    "http://localhost.example.com/projection",
    "http://127.0.0.1.nip.io/projection",
  ])("%s: refused, naming the binding and the rule", (url) => {
    const message =
      "configuration: PROJECTOR_URL must be an https URL (http only on a loopback host: 127.0.0.1, ::1, localhost)";
    expect(() => qstashConfig({ ...BINDINGS, PROJECTOR_URL: url })).toThrow(message);
    expect(() => signingConfig({ ...BINDINGS, PROJECTOR_URL: url })).toThrow(message);
  });
});
