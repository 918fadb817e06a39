/**
 * The floor of a write made from inside workerd: a bare worker that appends the one record it is sent through the
 * very event-log adapter our command worker uses (selected by the same bindings) and answers its position. No
 * GraphQL, no decision, no write guard, no idempotency, no poke: "createTask ÷ this" is what our code adds to the
 * hop and the produce. Bench only, never deployed.
 */
import { eventLogConfig } from "../shared/config";
import { createEventLog } from "../shared/event-log/create";

export default {
  async fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    if (request.method !== "POST") return new Response("POST one record", { status: 405 });
    const { key, value } = (await request.json()) as { key: string; value: string };
    const [record] = await createEventLog(eventLogConfig(env)).append(key, [value]);
    return Response.json({ partition: record?.partition, offset: record?.offset });
  },
};
