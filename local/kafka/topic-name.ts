/**
 * Kafka's topic-name rule (`org.apache.kafka.common.internals.Topic.validate`): 1 to 249 characters from
 * `[a-zA-Z0-9._-]`, and neither "." nor "..". The emulator also uses the name as a directory name, which
 * this rule makes safe.
 */
const LEGAL = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** Why `name` is not a legal topic name, or undefined when it is. */
export function topicNameProblem(name: string): string | undefined {
  if (name.length === 0) return "topic name must not be empty";
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `topic name is ${name.length} characters long; the limit is ${MAX_TOPIC_NAME_LENGTH}`;
  }
  if (name === "." || name === "..") return `topic name cannot be "${name}"`;
  if (!LEGAL.test(name)) {
    return `topic name ${JSON.stringify(name)} is illegal: use only ASCII letters, digits, '.', '_' and '-'`;
  }
  return undefined;
}

export function isValidTopicName(name: string): boolean {
  return topicNameProblem(name) === undefined;
}
