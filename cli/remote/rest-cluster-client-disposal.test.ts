import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointMetadataNotFoundError } from '../../common/checkpoint/checkpoint-storage-errors.js';
import { ErrorDomain, FreshetError, IllegalConfigurationError } from '../../common/errors/freshet-error.js';
import {
  startTestingRestServer,
  stopTestingRestServers,
  type TestingRestServer,
} from '../../jobmanager/rest/testing/testing-rest-server.js';
import { RestClientException } from './rest-client-exception.js';
import { RestClusterClient, parseSavepointDisposalStatus } from './rest-cluster-client.js';

afterEach(stopTestingRestServers);

function clientOf(rest: TestingRestServer): RestClusterClient {
  return new RestClusterClient({ address: rest.url('') });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('RestClusterClient savepoint disposal', () => {
  it('sends the path as savepoint-path and polls until the disposal completed', async () => {
    const rest = await startTestingRestServer();
    const client = clientOf(rest);
    const triggerId = await client.triggerSavepointDisposal('s3://bucket/sp/savepoint-0123ab-1');
    expect(triggerId).toMatch(/^[0-9a-f]{32}$/);
    expect(rest.backend.disposals.map((d) => d.path)).toEqual(['s3://bucket/sp/savepoint-0123ab-1']);
    expect(await client.savepointDisposalStatus(triggerId)).toEqual({ status: 'IN_PROGRESS' });

    const progress: number[] = [];
    const sleeps: number[] = [];
    await client.awaitSavepointDisposal(triggerId, {
      pollIntervalMs: 250,
      onInProgress: (polls) => progress.push(polls),
      sleep: (ms) => {
        sleeps.push(ms);
        // The disposal completes while the client waits for its second poll.
        if (sleeps.length === 2) rest.backend.disposals[0]!.complete();
        return Promise.resolve();
      },
    });
    expect(progress).toEqual([1, 2]);
    expect(sleeps).toEqual([250, 250]);
    expect(await client.savepointDisposalStatus(triggerId)).toEqual({ status: 'COMPLETED' });
  });

  it('rejects with SAVEPOINT_DISPOSAL_FAILED caused by the server-side error, rebuilt as its class', async () => {
    const rest = await startTestingRestServer();
    const client = clientOf(rest);
    const triggerId = await client.triggerSavepointDisposal('/tmp/not-a-savepoint');
    rest.backend.disposals[0]!.fail(
      new CheckpointMetadataNotFoundError('file:///tmp/not-a-savepoint/_metadata'),
    );
    const error = await rejection(client.awaitSavepointDisposal(triggerId, { pollIntervalMs: 1 }));
    expect(error).toBeInstanceOf(FreshetError);
    expect(error).toMatchObject({ code: 'SAVEPOINT_DISPOSAL_FAILED', domain: ErrorDomain.external });
    expect((error as Error).message).toContain('cannot find checkpoint metadata file');
    expect((error as Error).cause).toMatchObject({ code: 'CHECKPOINT_METADATA_NOT_FOUND' });
  });

  it("turns a refused request into a RestClientException with the server's message", async () => {
    const rest = await startTestingRestServer();
    rest.backend.failWith('disposeSavepoint', new IllegalConfigurationError("'ftp://x' is not supported"));
    const refused = await rejection(clientOf(rest).triggerSavepointDisposal('ftp://x'));
    expect(refused).toBeInstanceOf(RestClientException);
    expect((refused as RestClientException).httpStatus).toBe(400);
    expect((refused as Error).message).toBe("'ftp://x' is not supported");
  });

  it('reads COMPLETED with a null or absent failure-cause as success, and rejects unknown statuses', () => {
    const completed = { status: { id: 'COMPLETED' }, operation: { 'failure-cause': null } };
    expect(parseSavepointDisposalStatus(completed, 'GET /x')).toEqual({ status: 'COMPLETED' });
    expect(parseSavepointDisposalStatus({ status: { id: 'COMPLETED' }, operation: {} }, 'GET /x')).toEqual({
      status: 'COMPLETED',
    });
    const failed = parseSavepointDisposalStatus(
      {
        status: { id: 'COMPLETED' },
        operation: {
          'failure-cause': { class: 'java.io.IOException', 'stack-trace': 'java.io.IOException: gone' },
        },
      },
      'GET /x',
    );
    expect(failed).toMatchObject({ status: 'FAILED', failure: { message: 'gone' } });
    expect(() => parseSavepointDisposalStatus({ status: { id: 'DONE' } }, 'GET /x')).toThrow(/status\.id/);
  });
});
