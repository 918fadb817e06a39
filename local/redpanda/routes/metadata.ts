/** `GET /topics` (the topic names) and `GET /brokers` (`{"brokers":[ids]}`; the emulator is broker 0). */
import { json } from "../../common/emulator";
import type { RouteHandler } from "../context";
import { acceptV2, MEDIA_TYPE } from "../formats";

export const topicsRoute: RouteHandler = (ctx, req) => {
  acceptV2(req.headers);
  return json(200, Object.keys(ctx.storage.topicPartitionCounts()), { "content-type": MEDIA_TYPE.v2 });
};

export const brokersRoute: RouteHandler = (_ctx, req) => {
  acceptV2(req.headers);
  return json(200, { brokers: [0] }, { "content-type": MEDIA_TYPE.v2 });
};
