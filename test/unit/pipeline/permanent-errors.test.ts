import { describe, expect, it } from 'vitest';
import { InvalidAlertError } from '../../../lib/aggregate/group-state.js';
import { GroupMismatchError } from '../../../lib/aggregate/ingest.js';
import { InvalidMessageError } from '../../../lib/pipeline/messages.js';
import { PermanentMessageError } from '../../../lib/pipeline/permanent-error.js';
import { SpilledBodyMissingError } from '../../../lib/pipeline/spill.js';

describe('PermanentMessageError', () => {
  it('covers every error documented as permanent, so consumers park such messages at once instead of backing off', () => {
    const permanent = [
      new InvalidMessageError('not JSON'),
      new InvalidAlertError('0000000000000001', 'unreadable timestamp'),
      new GroupMismatchError('wrong group'),
      new SpilledBodyMissingError('n1'),
    ];
    for (const error of permanent) {
      expect(error).toBeInstanceOf(PermanentMessageError);
      expect(error.name).not.toBe('PermanentMessageError');
    }
    expect(new Error('throttled')).not.toBeInstanceOf(PermanentMessageError);
  });
});
