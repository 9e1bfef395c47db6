import { useState } from 'react';
import { Alert, Button, DescriptionList, DescriptionListItem, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { asConnectionsError } from '@hubspot-quickbooks/shared/connections';
import { formatAge, formatDuration, formatUtc } from '@hubspot-quickbooks/shared/format';
import type { LastRun, ObjectHealth, SyncObject, SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';
import { SyncErrorAlert } from './SyncErrorAlert';
import { OBJECT_WORDS, OUTCOME_WORDS } from './words';

interface Props {
  api: SyncSettingsApi;
  realmId: string;
  object: SyncObject;
  /** Null while the company's health loads or when it could not be read (the company section says why). */
  health: ObjectHealth | null;
  /** The company's settings have unsaved changes, which a resync would not apply. */
  dirty: boolean;
  /** Now, in milliseconds: the cursor's age is measured from it. */
  now: number;
}

/** S6 for one object: its last run, how far the sync has read, and "resync this object". */
export function ObjectHealthSummary({ api, realmId, object, health, dirty, now }: Props) {
  const { busy, error, run } = useRequest(asConnectionsError);
  const [queued, setQueued] = useState(false);
  const words = OBJECT_WORDS[object];
  const resync = () =>
    run('Queuing the resync', async () => {
      await api.resync(realmId, object);
      setQueued(true);
    });

  return (
    <Flex direction="column" gap="sm">
      <Heading>Sync health</Heading>
      {health && (
        <DescriptionList direction="row">
          <DescriptionListItem label="Last run">{health.lastRun ? describeRun(health.lastRun) : 'Not run yet'}</DescriptionListItem>
          <DescriptionListItem label="Read up to">
            {health.cursorAt ? `${formatUtc(health.cursorAt)} (${formatAge(health.cursorAt, now)})` : 'Not read completely yet'}
          </DescriptionListItem>
          <DescriptionListItem label="Failed records">{String(health.failedCount)}</DescriptionListItem>
        </DescriptionList>
      )}
      {health?.lastRun?.message && <Text>{health.lastRun.message}</Text>}
      {error && <SyncErrorAlert error={error} fallbackTitle="The resync could not be queued" />}
      {queued && (
        <Alert title="Resync queued" variant="success">
          <Text>
            Every {words.noun} already synced is read again from QuickBooks and written with the saved mappings, within
            the rate limits. Large companies take a while.
          </Text>
        </Alert>
      )}
      <Button variant="secondary" disabled={busy || dirty || queued} onClick={() => void resync()}>
        Resync {words.plural}
      </Button>
      {dirty && <Text variant="microcopy">A resync applies the saved mappings: save or discard your changes first.</Text>}
    </Flex>
  );
}

function describeRun(run: LastRun): string {
  const took = run.finishedAt && formatDuration(run.startedAt, run.finishedAt);
  const when = took ? `${formatUtc(run.startedAt)}, took ${took}` : `started ${formatUtc(run.startedAt)}`;
  return `${when}, ${OUTCOME_WORDS[run.outcome]}: ${run.read} read, ${run.written} written, ${run.failed} failed`;
}
