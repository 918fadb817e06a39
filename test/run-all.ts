/**
 * `npm test`: the vitest suites, then the browser tests, always both, so that a failure of the first never hides
 * the result of the second. Exits non-zero if either failed, after a line naming which.
 */
import { spawnSync } from "node:child_process";

const runners: Array<{ name: string; command: string; args: string[] }> = [
  { name: "vitest", command: "vitest", args: ["run"] },
  { name: "playwright", command: "playwright", args: ["test"] },
];

const failed: string[] = [];
for (const { name, command, args } of runners) {
  // npm puts node_modules/.bin on the PATH of its scripts.
  const run = spawnSync(command, args, { stdio: "inherit" });
  if (run.error) console.error(`npm test: ${name} did not start: ${run.error.message}`);
  if (run.status !== 0) failed.push(run.signal ? `${name} (killed by ${run.signal})` : name);
}

if (failed.length > 0) {
  console.error(`npm test: failed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log("npm test: vitest and playwright passed");
