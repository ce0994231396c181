/** Creating and configuring client-side flags through a real server's admin API (project `default`, env `development`). */
import type { AdminClient } from '@ensign/test-server';

const project = '/api/v1/projects/default';
export const configPath = (flag: string) => `${project}/environments/development/flags/${flag}`;

/** Defines a flag and gives its development config `config` (on, client-side unless it says otherwise). */
export async function defineClientFlag(
  admin: AdminClient,
  definition: { key: string; type: 'boolean' | 'string' | 'number' | 'json'; variations: unknown[] },
  config: Record<string, unknown>,
): Promise<void> {
  const created = await admin('POST', `${project}/flags`, { body: { name: definition.key, ...definition } });
  if (created.status !== 201) throw new Error(`creating ${definition.key}: ${JSON.stringify(created.body)}`);
  const current = await admin('GET', configPath(definition.key));
  const res = await admin('PUT', configPath(definition.key), {
    body: { ...current.body, on: true, clientSide: true, ...config },
    headers: { 'If-Match': current.headers.get('ETag')! },
  });
  if (res.status !== 200) throw new Error(`configuring ${definition.key}: ${JSON.stringify(res.body)}`);
}

/** The flags of the test app (test/app/flags-app.tsx), as an operator would set them up. */
export async function defineAppFlags(admin: AdminClient): Promise<void> {
  await defineClientFlag(
    admin,
    { key: 'checkout', type: 'boolean', variations: [false, true] },
    {
      fallthrough: { variation: 0 },
      rules: [
        { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variation: 1 } },
      ],
    },
  );
  await defineClientFlag(
    admin,
    { key: 'banner', type: 'string', variations: ['Hello', 'Bye'] },
    { fallthrough: { variation: 0 } },
  );
  await defineClientFlag(
    admin,
    { key: 'layout', type: 'json', variations: [{ columns: 2 }, { columns: 3 }] },
    { fallthrough: { variation: 0 } },
  );
  await defineClientFlag(
    admin,
    { key: 'limit', type: 'number', variations: [10, 100] },
    { fallthrough: { variation: 1 } },
  );
}
