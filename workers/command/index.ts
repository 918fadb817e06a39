/** The command worker: GraphQL over the event log (writes) and the Redis projection (reads). */
import { createCommandApp } from "./app";

export default createCommandApp();
