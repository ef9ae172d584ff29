import { describe, expect, it } from 'vitest';
import type { Case } from '../audio/manifest.ts';
import { accuracyCases } from './accuracy-cases.ts';

const c = (id: string, kind: string): Case => ({ id, audio: `${id}.wav`, text: '', kind });
const list = { cases: [c('a', 'speech'), c('b', 'long'), c('c', 'tone'), c('d', 'speech')], skipped: [{ path: 'x.txt', reason: 'not audio' }] };

describe('accuracyCases', () => {
  it('drops the long cases, keeps the order and the skipped inputs', () => {
    expect(accuracyCases(list)).toEqual({ cases: [c('a', 'speech'), c('c', 'tone'), c('d', 'speech')], skipped: list.skipped });
  });

  it('takes the first `limit` cases after dropping the long ones', () => {
    expect(accuracyCases(list, 2).cases.map((x) => x.id)).toEqual(['a', 'c']);
  });
});
