/**
 * The GraphQL schema: the original contract (Task, list, createTask, updateTask, deleteTask) kept exactly,
 * with additive fields, arguments and queries only.
 */
import { buildSchema } from "graphql";

export const typeDefs = /* GraphQL */ `
  "A to-do item, as projected from its events."
  type Task {
    id: String!
    text: String!
    done: Boolean!
    "When the task was created (ISO 8601)."
    createdAt: String!
    "When the last event changed the task (ISO 8601)."
    updatedAt: String!
    "How many events the task has had; pass it as expectedVersion to update only if nobody else did."
    version: Int!
  }

  """
  A list, minted by createList. Its id is its edit capability and its viewId a read-only one: whoever holds one of
  them reaches the list, nobody else can tell it exists. Share the id to let others change the list, the viewId to
  let them only read it.
  """
  type List {
    "The edit capability; null when the list was opened with its viewId."
    id: String
    "The read-only capability; null for a list from before lists were minted."
    viewId: String
    title: String
    "When it was minted (ISO 8601); null for a list from before lists were minted."
    createdAt: String
  }

  "One event of a task's audit trail."
  type TaskEvent {
    eventId: String!
    type: String!
    "The task's version after this event."
    version: Int!
    occurredAt: String!
    "Where the event is in the log: partition:offset."
    position: String!
    "The text, for TaskCreated and TaskRenamed."
    text: String
  }

  type PartitionStatus {
    partition: Int!
    "Next offset the projector will fold."
    checkpoint: Int!
    "Next offset the log will write."
    head: Int!
    lag: Int!
    "Set while the projector is stopped at an event it cannot fold yet (a newer schema or event type, or a partition-count mismatch)."
    stopped: PartitionStop
  }

  type PartitionStop {
    "The offset the partition waits at: nothing from here on is folded until a projector that can fold it runs."
    offset: Int!
    reason: String!
    "When the projector first stopped there (ISO)."
    since: String!
  }

  type DeadLetter {
    partition: Int!
    offset: Int!
    reason: String!
  }

  "A rebuild's progress on one partition: how far its namespace is folded, against the log head."
  type RebuildPartition {
    partition: Int!
    checkpoint: Int!
    head: Int!
    lag: Int!
  }

  "A rebuild running beside the live namespace."
  type RebuildProgress {
    namespace: String!
    state: String!
    startedAt: String!
    partitions: [RebuildPartition!]!
    lag: Int!
    "Offsets folded per second since the start."
    eventsPerSecond: Float!
    "When it should catch up at this speed (ISO); null until it has folded something."
    estimatedFinish: String
  }

  "How a rebuild ended."
  type RebuildOutcome {
    namespace: String!
    "switched or failed"
    state: String!
    startedAt: String!
    endedAt: String
    "Why it failed (the live namespace was left untouched)."
    reason: String
    "The namespace it replaced, deleted after the grace period."
    retired: String
  }

  type ProjectionStatus {
    "The namespace both workers read: PROJECTION_PREFIX until a rebuild switches to a new generation."
    namespace: String!
    "The rebuild running now, if any."
    rebuild: RebuildProgress
    "The last rebuild's outcome, if any."
    lastRebuild: RebuildOutcome
    partitions: [PartitionStatus!]!
    lag: Int!
    applied: Int!
    "Events that decoded but no longer applied (for example an update racing a delete)."
    rejected: Int!
    deadLettered: Int!
    "The newest dead letters (undecodable events, skipped)."
    deadLetters: [DeadLetter!]!
  }

  "A page of a list's tasks, read by cursor."
  type TaskPage {
    tasks: [Task!]!
    "Pass it as cursor to read the next page; null on the last page. It carries this page's after: the next page waits for it too."
    nextCursor: String
  }

  type Query {
    """
    Active tasks in creation order. offset/limit page through them: limit from 1 to 500, 100 when unset (read
    more with offset, or page with tasks).
    after: a consistency token from a mutation; the query waits (bounded) until the projection has it. At most one
    field per request may be given a token.
    listId: a list's id or viewId (from createList); without it, the default list (the operator's: it may need
    Authorization: Bearer <API_TOKEN>, or be off). An id that opens no list answers NOT_FOUND.
    """
    list(offset: Int, limit: Int, after: String, listId: String): [Task]
    """
    A page of a list's active tasks in creation order: first from 1 to 500, 100 when unset; cursor: the nextCursor
    of the page before (the first page without it). A cursor names a place in the list, so deleting tasks does not
    shift the next page. after and listId: as for list.
    """
    tasks(listId: String, first: Int, cursor: String, after: String): TaskPage!
    "The task; null when it does not exist, is deleted, or is not on the list listId opens (the default list without it)."
    task(id: String!, after: String, listId: String): Task
    """
    A task's events, oldest first: its audit trail (also for deleted tasks); empty when the task is not on listId's
    list. offset/limit page through them: limit from 1 to 500, 100 when unset. after: as for list.
    """
    history(id: String!, after: String, offset: Int, limit: Int, listId: String): [TaskEvent!]!
    "The list listId opens (its id or its viewId); NOT_FOUND when it opens none."
    listInfo(listId: String!): List!
    """
    The projector's progress: checkpoint, log head and lag per partition, counters and dead letters. Read at most
    once every few seconds per server instance: it may be that much behind.
    """
    projection: ProjectionStatus!
  }

  "At most 5 mutation fields per request."
  type Mutation {
    "Mints a list: its id (edit) and viewId (read only), each 128 random bits. Keep the id: it is the only key to the list."
    createList(title: String): List!
    """
    idempotencyKey (on every mutation): a retry with the same key and arguments returns the original result
    instead of writing again. listId: a list's id (its viewId cannot change it); without it, the default list. A list
    holds at most MAX_LIST_TASKS tasks (5000 unless configured): LIST_FULL beyond.
    """
    createTask(text: String!, idempotencyKey: String, listId: String): Task
    """
    Emits only what changed (rename, complete, reopen). expectedVersion: fail with CONFLICT if the task moved on.
    listId: the task's list's id; a task on another list than listId's (or not on the default list, without it)
    answers NOT_FOUND, as one that does not exist.
    """
    updateTask(id: String!, text: String!, done: Boolean!, expectedVersion: Int, idempotencyKey: String, listId: String): Task
    """
    Sets the text and nothing else (an intent): a completeTask or reopenTask from another client applies too, whatever
    each had read; of two renames the later wins. Appends one TaskRenamed, none when the text already is so.
    expectedVersion: fail with CONFLICT if the task moved on. idempotencyKey and listId: as for updateTask. Prefer
    intents to updateTask, which sends both fields and so undoes a change made since its client read the task.
    """
    renameTask(id: String!, text: String!, expectedVersion: Int, idempotencyKey: String, listId: String): Task
    """
    Marks the task done and nothing else (an intent): a renameTask from another client applies too; of a
    completeTask and a reopenTask the later wins. Appends one TaskCompleted, none when it is done already.
    expectedVersion: fail with CONFLICT if the task moved on. idempotencyKey and listId: as for updateTask.
    """
    completeTask(id: String!, expectedVersion: Int, idempotencyKey: String, listId: String): Task
    """
    Marks the task not done and nothing else (an intent): a renameTask from another client applies too; of a
    completeTask and a reopenTask the later wins. Appends one TaskReopened, none when it is not done.
    expectedVersion: fail with CONFLICT if the task moved on. idempotencyKey and listId: as for updateTask.
    """
    reopenTask(id: String!, expectedVersion: Int, idempotencyKey: String, listId: String): Task
    "Returns the deleted task's id. listId: as for updateTask."
    deleteTask(id: String!, expectedVersion: Int, idempotencyKey: String, listId: String): String
    """
    Erases a list for good: destroys its data key (from then on its words, wherever a copy of them lies, cannot be
    read), then removes its tasks and their histories from the projection, and answers the list's id once they are
    gone. Needs the list's id (its viewId: FORBIDDEN). After it the list and its tasks answer NOT_FOUND.
    """
    purgeList(listId: String!): String!
  }

  """
  What changed on a list: its tasks as they are now (created, renamed, completed or reopened), the ids of those
  deleted, and the consistency token of the position it reflects (read with after: it to see at least this).
  """
  type ListChange {
    """
    Null on a subscription's opening message, sent as the subscription is taken, which changes nothing: every
    change applied from then on reaches the subscription, so a client reads the list to catch up once it has it.
    """
    token: String
    tasks: [Task!]!
    deleted: [String!]!
  }

  """
  Over WebSocket only (the graphql-transport-ws protocol) at /graphql?listId=<the list's id or viewId>: HTTP
  answers a subscription with an error.
  """
  type Subscription {
    """
    Every change to the list listId opens (its id or viewId, the one the socket's URL names), as the projection
    applies it, in order, after an opening message that changes nothing. Changes made while the socket was down are
    not replayed: after a reconnect, once the opening message is in, read the list (with after: the last token
    received) and keep the newer version of each task.
    """
    listChanged(listId: String!): ListChange!
  }
`;

export const schema = buildSchema(typeDefs);
