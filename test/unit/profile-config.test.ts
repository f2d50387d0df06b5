import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isLabError } from '../../src/errors.js';
import { loadProfileConfig } from '../../src/services/profile/config.js';

const BASE = {
  AUTHLAB_REPLICA: 'profile-1',
  AUTHLAB_HTTP_PORT: '18301',
  AUTHLAB_KAFKA_BROKERS: '127.0.0.1:19092',
  AUTHLAB_MONGO_URL: 'mongodb://127.0.0.1:27017/',
};

describe('loadProfileConfig', () => {
  it('fills the documented defaults and freezes the result', () => {
    const config = loadProfileConfig(BASE);
    assert.equal(config.kafkaTopic, 'authlab.public.users');
    assert.equal(config.kafkaGroup, 'authlab-profile');
    assert.equal(config.mongoDb, 'authlab');
    assert.equal(config.mongoCollection, 'profiles');
    assert.equal(config.consumerMaxWaitMs, 5000);
    assert.equal(config.consumerMinBytes, 1);
    assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:19092']);
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.kafkaBrokers));
  });

  it('reads every setting it is given', () => {
    const config = loadProfileConfig({
      ...BASE,
      AUTHLAB_KAFKA_BROKERS: '127.0.0.1:19092, localhost:19093',
      AUTHLAB_KAFKA_TOPIC: 'lab2.public.users',
      AUTHLAB_KAFKA_GROUP: 'g2',
      AUTHLAB_MONGO_DB: 'other',
      AUTHLAB_CONSUMER_MAX_WAIT_MS: '20',
      AUTHLAB_CONSUMER_MIN_BYTES: '0',
    });
    assert.deepEqual(config.kafkaBrokers, ['127.0.0.1:19092', 'localhost:19093']);
    assert.equal(config.kafkaTopic, 'lab2.public.users');
    assert.equal(config.kafkaGroup, 'g2');
    assert.equal(config.mongoDb, 'other');
    assert.equal(config.consumerMaxWaitMs, 20);
    assert.equal(config.consumerMinBytes, 0);
  });

  const BAD: Array<[string, Record<string, string | undefined>, RegExp]> = [
    ['a missing replica', { AUTHLAB_REPLICA: undefined }, /AUTHLAB_REPLICA is not set/],
    ['a replica with a space', { AUTHLAB_REPLICA: 'profile 1' }, /AUTHLAB_REPLICA must be/],
    ['a port that is not a number', { AUTHLAB_HTTP_PORT: '80a' }, /AUTHLAB_HTTP_PORT/],
    ['a port above 65535', { AUTHLAB_HTTP_PORT: '70000' }, /at most 65535/],
    ['a broker without a port', { AUTHLAB_KAFKA_BROKERS: '127.0.0.1' }, /host:port/],
    ['an empty broker list', { AUTHLAB_KAFKA_BROKERS: ' , ' }, /host:port/],
    ['a non-mongodb url', { AUTHLAB_MONGO_URL: 'http://x' }, /mongodb:\/\//],
    ['a topic with a slash', { AUTHLAB_KAFKA_TOPIC: 'a/b' }, /AUTHLAB_KAFKA_TOPIC/],
    ['a negative max wait', { AUTHLAB_CONSUMER_MAX_WAIT_MS: '-1' }, /at least 0/],
    ['a fractional min bytes', { AUTHLAB_CONSUMER_MIN_BYTES: '1.5' }, /whole number/],
  ];
  for (const [name, overrides, message] of BAD) {
    it(`refuses ${name} as bad input (exit 2)`, () => {
      assert.throws(
        () => loadProfileConfig({ ...BASE, ...overrides }),
        (error: unknown) =>
          isLabError(error) && error.exitCode === 2 && message.test(error.message),
      );
    });
  }
});
