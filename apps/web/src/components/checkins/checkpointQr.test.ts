import { describe, expect, it } from 'vitest';
import { checkpointQrText, checkpointTokenOf } from './checkinsApi';

describe("a checkpoint's QR", () => {
  const token = 'Ab3_-xYz0123456789abcd';
  it('is a link to the citizen page that gives its token back, as does the bare token', () => {
    const text = checkpointQrText(token, 'https://sen.example.vn');
    expect(text).toBe(`https://sen.example.vn/pass?cp=${token}`);
    expect(checkpointTokenOf(text)).toBe(token);
    expect(checkpointTokenOf(` ${token}\n`)).toBe(token);
  });
  it('refuses anything else: another page, a short or odd token, a venue token, an HC1 certificate', () => {
    expect(checkpointTokenOf(`https://sen.example.vn/checkin?cp=${token}`)).toBeNull();
    expect(checkpointTokenOf('https://sen.example.vn/pass?cp=short')).toBeNull();
    expect(checkpointTokenOf(`https://sen.example.vn/pass?cp=${token}%3Cscript%3E`)).toBeNull();
    expect(checkpointTokenOf('eyJhbGciOiJFUzI1NiJ9.eyJrIjoidiJ9.c2ln')).toBeNull();
    expect(checkpointTokenOf('HC1:NCFOXN%TS3DH')).toBeNull();
  });
});
