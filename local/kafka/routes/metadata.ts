/**
 * `GET /topics` (name → partition count) and `GET /consumers` (groups and their assignments):
 * docs/protocols.md#topics-and-consumers.
 */
import { json } from "../../common/emulator";
import type { RouteHandler } from "../context";

export const topicsRoute: RouteHandler = (ctx) => json(200, ctx.storage.topicPartitionCounts());

export const consumersRoute: RouteHandler = async (ctx) => json(200, await ctx.groups.list());
