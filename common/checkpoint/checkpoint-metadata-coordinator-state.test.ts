/** The coordinator state of an operator (a source's split enumerator) in `_metadata`. */
import { describe, expect, it } from 'vitest';
import { MalformedMetadataBody, metadataFromWire, metadataToWire } from './checkpoint-metadata-wire.js';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint-metadata-serializer.js';
import { testingCheckpointMetadata } from './testing-checkpoint-metadata.js';

const DIR = 'file:///ckpt/job/chk-9';

describe('checkpoint metadata: coordinator state', () => {
  it('round-trips an operator coordinator state as bytes', () => {
    const base = testingCheckpointMetadata(DIR);
    const [first, ...rest] = base.operators;
    const metadata = {
      ...base,
      operators: [{ ...first!, coordinatorState: Uint8Array.of(1, 2, 3) }, ...rest],
    };
    const decoded = decodeCheckpointMetadata(encodeCheckpointMetadata(metadata, DIR), {
      checkpointDirectory: DIR,
    });
    expect(decoded.operators[0]!.coordinatorState).toBeInstanceOf(Uint8Array);
    expect([...decoded.operators[0]!.coordinatorState!]).toEqual([1, 2, 3]);
    expect(decoded.operators.slice(1).every((op) => op.coordinatorState === undefined)).toBe(true);
  });

  it('reads metadata written before coordinator states existed', () => {
    const metadata = testingCheckpointMetadata(DIR);
    const wire = metadataToWire(metadata, DIR);
    expect(JSON.stringify(Object.keys((wire['operators'] as Record<string, unknown>[])[0]!))).not.toContain(
      'coordinatorState',
    );
    expect(metadataFromWire(wire, DIR)).toEqual(metadata);
  });

  it('rejects a coordinator state that is not binary', () => {
    const wire = metadataToWire(testingCheckpointMetadata(DIR), DIR);
    const operators = wire['operators'] as Record<string, unknown>[];
    operators[0] = { ...operators[0], coordinatorState: 'oops' };
    expect(() => metadataFromWire(wire, DIR)).toThrow(MalformedMetadataBody);
    expect(() => metadataFromWire(wire, DIR)).toThrow('operators[0].coordinatorState is not binary');
  });
});
