import { useCallback, useEffect, useState } from 'react';
import {
  Button,
  Flex,
  Heading,
  LoadingSpinner,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import { asConnectionsError } from '@hubspot-quickbooks/shared/connections';
import { formatUtc } from '@hubspot-quickbooks/shared/format';
import type { Failure, FailurePage, SyncObject, SyncSettingsApi } from '@hubspot-quickbooks/shared/syncSettings';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';
import { SyncErrorAlert } from './SyncErrorAlert';
import { OBJECT_WORDS } from './words';

interface Props {
  api: SyncSettingsApi;
  realmId: string;
  object: SyncObject;
}

/**
 * S6: the records of this object the sync could not write, 50 a page, each with its reason and a retry. The API
 * pages with a token, so the pages read are kept and the table offers one more page while there is a next token.
 */
export function FailedRecords({ api, realmId, object }: Props) {
  const { pending, busy, error, run } = useRequest(asConnectionsError);
  const [pages, setPages] = useState<FailurePage[] | null>(null);
  const [page, setPage] = useState(1);
  // Records whose retry is queued: they stay listed until a run clears them, but are not retried twice.
  const [retried, setRetried] = useState<Set<string>>(new Set());
  const words = OBJECT_WORDS[object];

  const loadFirst = useCallback(
    () =>
      run('Loading the failed records', async () => {
        setPages([await api.failures(realmId, object)]);
        setPage(1);
        setRetried(new Set());
      }),
    [api, realmId, object, run],
  );
  useEffect(() => {
    void loadFirst();
  }, [loadFirst]);

  const next = pages?.at(-1)?.next ?? null;
  const showPage = (wanted: number) => {
    if (!pages || wanted <= pages.length) return setPage(wanted);
    if (next === null) return;
    void run('Loading the failed records', async () => {
      const more = await api.failures(realmId, object, next);
      setPages([...pages, more]);
      setPage(wanted);
    });
  };
  const retry = (failure: Failure) =>
    run('Queuing the retry', async () => {
      await api.retry(realmId, { object: failure.object, qboId: failure.qboId });
      setRetried((current) => new Set(current).add(failure.qboId));
    });

  const shown = pages?.[page - 1]?.failures ?? [];
  const pageCount = (pages?.length ?? 0) + (next === null ? 0 : 1);
  return (
    <Flex direction="column" gap="sm">
      <Heading>Failed records</Heading>
      {pending && <LoadingSpinner label={pending} showLabel />}
      {error && <SyncErrorAlert error={error} fallbackTitle="The failed records could not be read or retried" testId={`failures-error-${realmId}-${object}`} />}
      {pages && shown.length === 0 && (
        <Text>No failed {words.plural}: everything QuickBooks sent in the last 30 days was written.</Text>
      )}
      {shown.length > 0 && (
        <Table bordered paginated={pageCount > 1} pageCount={pageCount} page={page} onPageChange={showPage}>
          <TableHead>
            <TableRow>
              <TableHeader>QuickBooks id</TableHeader>
              <TableHeader>HubSpot {words.noun}</TableHeader>
              <TableHeader>What failed</TableHeader>
              <TableHeader>When</TableHeader>
              <TableHeader>Retry</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {shown.map((failure) => (
              <TableRow key={failure.qboId} testId={`failure-${realmId}-${object}-${failure.qboId}`}>
                <TableCell>{failure.qboId}</TableCell>
                <TableCell>
                  {failure.hubspotId === null ? `Not in HubSpot yet${failure.name ? `: ${failure.name}` : ''}` : `${failure.name ?? 'Record'} (id ${failure.hubspotId})`}
                </TableCell>
                <TableCell>{failure.reason}</TableCell>
                <TableCell>
                  <Text>{formatUtc(failure.failedAt)}</Text>
                  <Text variant="microcopy">Dropped from this list {formatUtc(failure.expiresAt)}</Text>
                </TableCell>
                <TableCell>
                  {retried.has(failure.qboId) ? (
                    'Queued'
                  ) : (
                    <Button size="sm" variant="secondary" disabled={busy} onClick={() => void retry(failure)}>
                      Retry
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {retried.size > 0 && (
        <Text variant="microcopy">A queued retry reads the record again from QuickBooks; once written, it leaves this list.</Text>
      )}
      <Button variant="transparent" disabled={busy} onClick={() => void loadFirst()}>
        Refresh the list
      </Button>
    </Flex>
  );
}
