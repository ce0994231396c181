/** The hooks outside `EnsignProvider`, rendered with react-dom/server: defaults and one warning, or a clear error. */
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { useEnsignClient } from './use-ensign-client.js';
import { useEnsignStatus } from './use-ensign-status.js';
import { useFlag } from './use-flag.js';
import { useFlagDetail } from './use-flag-detail.js';

function Flags() {
  const on = useFlag('checkout', true);
  const { value, reason } = useFlagDetail('banner', 'hi');
  const { status, isLoading } = useEnsignStatus();
  return <p>{`${on} ${value} ${reason.kind === 'ERROR' ? reason.errorKind : ''} ${status} ${isLoading}`}</p>;
}

function ClientUser() {
  useEnsignClient();
  return null;
}

describe('without a provider', () => {
  it('flag hooks serve their defaults, status is error, and the console says why once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(renderToString(<Flags />)).toBe('<p>true hi CLIENT_NOT_READY error false</p>');
      renderToString(<Flags />);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/outside <EnsignProvider>/);
    } finally {
      warn.mockRestore();
    }
  });

  it('useEnsignClient throws a clear error', () => {
    expect(() => renderToString(<ClientUser />)).toThrow(/must be used inside <EnsignProvider/);
  });
});
