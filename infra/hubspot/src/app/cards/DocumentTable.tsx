import {
  Button,
  ButtonRow,
  EmptyState,
  StatusTag,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import type { QboDocument } from '@hubspot-quickbooks/shared/card';
import { canPreview, canSend, documentTypeLabel, formatMoney, statusTag } from '@hubspot-quickbooks/shared/documents';

interface Props {
  documents: QboDocument[];
  /** realmIds whose QuickBooks authorization is dead: their documents still list, without live actions. */
  reconnectNeeded: Set<string>;
  /** Whether to name the company on each row (more than one company connected). */
  showCompany: boolean;
  busy: boolean;
  onPreview(document: QboDocument): void;
  onSend(document: QboDocument): void;
}

export const documentKey = (document: Pick<QboDocument, 'realmId' | 'type' | 'id'>) =>
  `${document.realmId}-${document.type}-${document.id}`;

/** The record's QuickBooks documents (I1, I2, I9, I12, B2, B9). */
export function DocumentTable({ documents, reconnectNeeded, showCompany, busy, onPreview, onSend }: Props) {
  if (documents.length === 0) {
    return (
      <EmptyState title="No QuickBooks documents yet" imageName="productsShoppingCart" layout="horizontal">
        <Text>Create one from this record, or add an invoice that already exists in QuickBooks.</Text>
      </EmptyState>
    );
  }
  return (
    <Table bordered>
      <TableHead>
        <TableRow>
          <TableHeader>Number</TableHeader>
          <TableHeader>Customer</TableHeader>
          <TableHeader>Amount</TableHeader>
          <TableHeader>Balance</TableHeader>
          <TableHeader>Due date</TableHeader>
          <TableHeader>Status</TableHeader>
          <TableHeader>Actions</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {documents.map((document) => {
          const tag = statusTag(document);
          const offline = reconnectNeeded.has(document.realmId);
          return (
            <TableRow key={documentKey(document)} testId={`document-${documentKey(document)}`}>
              <TableCell>
                <Text>{document.number ? `${documentTypeLabel(document.type)} ${document.number}` : documentTypeLabel(document.type)}</Text>
                {showCompany && <Text variant="microcopy">{document.companyName}</Text>}
              </TableCell>
              <TableCell>{document.customerName ?? '—'}</TableCell>
              <TableCell>
                <Text>{formatMoney(document.total, document.currency)}</Text>
                {document.currencyMismatch && (
                  <Text variant="microcopy">
                    {document.currencyNote ??
                      `In ${document.currency}, not the HubSpot account's currency: it does not update the deal's amount.`}
                  </Text>
                )}
              </TableCell>
              <TableCell>{document.balance === null ? '—' : formatMoney(document.balance, document.currency)}</TableCell>
              <TableCell>{document.dueDate ?? '—'}</TableCell>
              <TableCell>
                <StatusTag variant={tag.variant}>{tag.label}</StatusTag>
              </TableCell>
              <TableCell>
                <ButtonRow>
                  {document.openUrl && (
                    <Button size="sm" variant="secondary" href={{ url: document.openUrl, external: true }}>
                      Open in QuickBooks
                    </Button>
                  )}
                  {canPreview(document) && (
                    <Button size="sm" variant="secondary" disabled={busy || offline} onClick={() => onPreview(document)}>
                      Preview
                    </Button>
                  )}
                  {canSend(document) && (
                    <Button size="sm" variant="primary" disabled={busy || offline} onClick={() => onSend(document)}>
                      Send
                    </Button>
                  )}
                </ButtonRow>
                {offline && <Text variant="microcopy">Reconnect {document.companyName} to preview or send.</Text>}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
