/** `GET /topics` (B.3.8: name → partition count) and `GET /consumers` (B.3.9: groups and their assignments). */
import { json } from "../../common/emulator";
import type { RouteHandler } from "../context";

export const topicsRoute: RouteHandler = (ctx) => json(200, ctx.storage.topicPartitionCounts());

export const consumersRoute: RouteHandler = async (ctx) => json(200, await ctx.groups.list());
