export * from './lib/envelope';
export * from './lib/envelope.errors';
export * from './lib/headers';
export * from './lib/kafka-message';
export * from './lib/topic';
export * from './lib/kafka-client';
export * from './lib/kafka-admin.session';
export * from './lib/kafka-producer.session';
export { fetchTopicId, UnknownTopicError, type TopicIdQuery } from './lib/topic-id/topic-id';
