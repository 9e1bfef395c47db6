import { describe, expect, it } from 'vitest';
import { Button, Text } from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { CardApiError } from '@hubspot-quickbooks/shared/card';
import { asCardError } from '../src/app/cards/CardErrorAlert';
import { useRequest } from '@hubspot-quickbooks/shared/useRequest';

/** A button that runs whatever the test hands it next, and shows the hook's state. */
function Probe({ next }: { next: { action: () => Promise<void> } }) {
  const { pending, busy, error, run } = useRequest(asCardError);
  return (
    <>
      <Text testId="state">{`${pending ?? 'idle'}|${busy}|${error ? `${error.code}: ${error.message}` : 'no error'}`}</Text>
      <Button onClick={() => void run('Working', () => next.action())}>Go</Button>
    </>
  );
}

describe('useRequest', () => {
  it('names what is pending, keeps a failure as a CardApiError, and clears it on the next request', async () => {
    let finish: () => void = () => {};
    const next = { action: () => new Promise<void>((resolve) => (finish = resolve)) };
    const page = createRenderer('crm.record.tab');
    page.render(<Probe next={next} />);
    const state = () => page.findByTestId(Text, 'state').text;
    const go = () => page.find(Button).trigger('onClick');
    expect(state()).toBe('idle|false|no error');

    go();
    await page.waitFor(() => expect(state()).toBe('Working|true|no error'));
    finish();
    await page.waitFor(() => expect(state()).toBe('idle|false|no error'));

    next.action = () => Promise.reject(new CardApiError('busy', 'Still running.', 409));
    go();
    await page.waitFor(() => expect(state()).toBe('idle|false|busy: Still running.'));

    // Anything else thrown is still shown, as an internal error with its message.
    next.action = () => Promise.reject(new Error('boom'));
    go();
    await page.waitFor(() => expect(state()).toBe('idle|false|internal: boom'));

    next.action = () => Promise.resolve();
    go();
    await page.waitFor(() => expect(state()).toBe('idle|false|no error'));
  });
});
