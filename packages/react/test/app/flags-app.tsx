/**
 * The app under test, rendered by `react-dom/server` in Node and by `react-dom/client` in Chromium:
 * one component per flag, each counting its renders, and the client status.
 */
import { type ReactNode, useEffect } from 'react';
import { useEnsignStatus, useFlag, useFlagDetail } from '../../src/index.js';
import { DEFAULT_LAYOUT } from './fixtures.js';

/** Renders per component, and every status rendered, in order (read by the tests through `window`). */
export const probe = { renders: {} as Record<string, number>, statuses: [] as string[], committed: false };

function counted(name: string): void {
  probe.renders[name] = (probe.renders[name] ?? 0) + 1;
}

function Checkout(): ReactNode {
  counted('checkout');
  const on = useFlag('checkout', false);
  return <p data-flag="checkout">{on ? 'new checkout' : 'old checkout'}</p>;
}

function Banner(): ReactNode {
  counted('banner');
  const { value, reason } = useFlagDetail('banner', 'none');
  return (
    <p data-flag="banner" data-reason={reason.kind}>
      {value}
    </p>
  );
}

function Layout(): ReactNode {
  counted('layout');
  const layout = useFlag('layout', DEFAULT_LAYOUT);
  return <p data-flag="layout">{`${layout.columns} columns`}</p>;
}

function Limit(): ReactNode {
  counted('limit');
  const limit = useFlag('limit', 0);
  return <p data-flag="limit">{limit}</p>;
}

function Missing(): ReactNode {
  counted('missing');
  const { value, reason } = useFlagDetail('no-such-flag', 'fallback');
  return <p data-flag="missing">{`${value} ${reason.kind === 'ERROR' ? reason.errorKind : reason.kind}`}</p>;
}

function WrongType(): ReactNode {
  counted('wrong-type');
  const { value, reason } = useFlagDetail('limit', 'text'); // a number flag read as a string
  return (
    <p data-flag="wrong-type">{`${value} ${reason.kind === 'ERROR' ? reason.errorKind : reason.kind}`}</p>
  );
}

function Status(): ReactNode {
  const { status, isLoading } = useEnsignStatus();
  probe.statuses.push(status);
  return <p data-status={status}>{isLoading ? 'loading' : status}</p>;
}

/** The whole app; marks `probe.committed` once React has committed it (hydration included). */
export function FlagsApp(): ReactNode {
  useEffect(() => {
    probe.committed = true;
  }, []);
  return (
    <main>
      <Status />
      <Checkout />
      <Banner />
      <Layout />
      <Limit />
      <Missing />
      <WrongType />
    </main>
  );
}
