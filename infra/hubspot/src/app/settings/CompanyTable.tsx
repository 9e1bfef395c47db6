import {
  Button,
  ButtonRow,
  EmptyState,
  StatusTag,
  type StatusTagProps,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
} from '@hubspot/ui-extensions';
import type { Company } from '@hubspot-quickbooks/shared/connections';
import { formatUtc } from '@hubspot-quickbooks/shared/format';

interface Props {
  companies: Company[];
  disabled: boolean;
  onReconnect(company: Company): void;
  onDisconnect(company: Company): void;
}

export function CompanyTable({ companies, disabled, onReconnect, onDisconnect }: Props) {
  if (companies.length === 0) {
    return (
      <EmptyState title="No QuickBooks company connected yet" imageName="integrations" layout="horizontal">
        <Text>Click Connect QuickBooks to connect the first one.</Text>
      </EmptyState>
    );
  }
  return (
    <Table bordered>
      <TableHead>
        <TableRow>
          <TableHeader>Company</TableHeader>
          <TableHeader>Environment</TableHeader>
          <TableHeader>Status</TableHeader>
          <TableHeader>Last successful sync</TableHeader>
          <TableHeader>Actions</TableHeader>
        </TableRow>
      </TableHead>
      <TableBody>
        {companies.map((company) => {
          const health = healthOf(company.status);
          return (
            <TableRow key={company.realmId} testId={`company-${company.realmId}`}>
              <TableCell>
                <Text>{company.name}</Text>
                <Text variant="microcopy">Realm ID {company.realmId}</Text>
              </TableCell>
              <TableCell>{company.environment === 'sandbox' ? 'Sandbox' : 'Production'}</TableCell>
              <TableCell>
                <StatusTag variant={health.variant}>{health.label}</StatusTag>
              </TableCell>
              <TableCell>{company.lastSuccessAt ? formatUtc(company.lastSuccessAt) : 'Never'}</TableCell>
              <TableCell>
                <ButtonRow>
                  {company.status !== 'active' && (
                    <Button size="sm" variant="primary" disabled={disabled} onClick={() => onReconnect(company)}>
                      Reconnect
                    </Button>
                  )}
                  {company.status !== 'disconnected' && (
                    <Button size="sm" variant="destructive" disabled={disabled} onClick={() => onDisconnect(company)}>
                      Disconnect
                    </Button>
                  )}
                </ButtonRow>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

function healthOf(status: string): { variant: StatusTagProps['variant']; label: string } {
  switch (status) {
    case 'active':
      return { variant: 'success', label: 'Active' };
    case 'reconnect_needed':
      return { variant: 'warning', label: 'Reconnect needed' };
    case 'disconnected':
      return { variant: 'default', label: 'Disconnected' };
    default:
      // A status this page does not know yet still shows, neutrally.
      return { variant: 'default', label: status };
  }
}
