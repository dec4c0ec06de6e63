/** Errors as data and back (the embedded store's hosts send them so): the class survives. */
import { describe, expect, it } from 'vitest';
import {
  errorFromData,
  errorToData,
  GitError,
  QueryTimeoutError,
  RegistryError,
  StoreError,
  StoreUnavailableError,
  TrustmapError,
} from '../../core/errors.js';

const roundTrip = (error: unknown) =>
  errorFromData(
    structuredClone(
      errorToData(error, { name: 'StoreError', code: 'STORE_FAILED', retriable: false }),
    ),
  );

describe('errorToData / errorFromData', () => {
  it('keeps the class, code, retriable, message and the fields of the class', () => {
    const timeout = roundTrip(new QueryTimeoutError(1500));
    expect(timeout).toBeInstanceOf(QueryTimeoutError);
    expect(timeout).toMatchObject({
      name: 'QueryTimeoutError',
      code: 'QUERY_TIMEOUT',
      timeoutMs: 1500,
      retriable: false,
      message: new QueryTimeoutError(1500).message,
    });

    const git = roundTrip(new GitError('host', 'git clone failed', { cause: new Error('why') }));
    expect(git).toBeInstanceOf(GitError);
    expect(git).toBeInstanceOf(RegistryError);
    expect(git).toMatchObject({ kind: 'host', code: 'REGISTRY_FAILED', retriable: true });
    expect(git.cause).toBe('Error: why');

    const down = roundTrip(new StoreUnavailableError('gone'));
    expect(down).toBeInstanceOf(StoreUnavailableError);
    expect(down.retriable).toBe(true);
  });

  it('an error that is not ours becomes the fallback; an unknown class the base class', () => {
    const plain = roundTrip(new Error('boom'));
    expect(plain).toBeInstanceOf(StoreError);
    expect(plain).toMatchObject({ name: 'StoreError', code: 'STORE_FAILED', message: 'boom' });

    const unknown = errorFromData({
      name: 'NewerError',
      code: 'NOT_A_CODE',
      message: 'from a newer host',
      retriable: true,
    });
    expect(unknown).toBeInstanceOf(TrustmapError);
    expect(unknown).toMatchObject({ name: 'NewerError', code: 'STORE_FAILED', retriable: true });
  });
});
