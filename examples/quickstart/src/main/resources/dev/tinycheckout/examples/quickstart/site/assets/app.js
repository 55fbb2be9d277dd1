// The quickstart storefront: plain JavaScript, no build step, no third-party code.
//
// Every write carries an Idempotency-Key made once per purchase or withdrawal attempt. A network
// failure is retried with the same key, so a lost answer never turns into a second order or a
// second withdrawal: the server replays the first answer instead (Idempotent-Replayed: true).
//
// The withdrawal function follows Art. 11a of the Consumer Rights Directive 2011/83/EU (inserted
// by Directive (EU) 2023/2673): a control labelled "Withdraw from contract here" on the order for
// the whole withdrawal period, a statement with the consumer's name, the order and the email for
// the confirmation, a second step labelled only "Confirm withdrawal", and an acknowledgement with
// the content of the withdrawal and the date and time it was sent.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const REFRESH_MS = 5000;
  const RETRY_DELAYS_MS = [300, 1000, 2000, 4000];
  const sku = new URLSearchParams(location.search).get('sku') || 'one-dollar-item';
  // The withdrawal period when the page does not say (served as a plain file): 14 days, the
  // minimum of Art. 9 CRD. The quickstart writes its configured period into the
  // <meta name="withdrawal-period-seconds"> of the page it serves.
  const DEFAULT_WITHDRAWAL_PERIOD_SECONDS = 14 * 24 * 60 * 60;
  const WITHDRAWAL_PERIOD_SECONDS = withdrawalPeriodSeconds();
  const ORDER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const MAX_NAME_LENGTH = 200;

  let termsVersion = null;
  let order = null;
  // The server's clock minus this browser's, from the Date header of the latest answer. The Date
  // header is truncated to the second and written before the answer travels, so this errs on the
  // side of the server's clock being late: the withdrawal control stays a little longer rather
  // than disappearing early.
  let clockOffsetMs = 0;
  let periodTimer = null;
  // The key of an attempt whose answer never arrived: sent again if the same request is retried.
  const pending = { checkout: null, withdrawal: null };

  // ---- helpers ----

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  function newKey() {
    if (window.crypto && typeof crypto.randomUUID === 'function') {
      return crypto.randomUUID();
    }
    // crypto.randomUUID needs a secure context (https or localhost); this is the same UUIDv4.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function formatMoney(money) {
    try {
      const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency });
      const digits = format.resolvedOptions().maximumFractionDigits;
      return format.format(money.amount / 10 ** digits);
    } catch (e) {
      return `${money.amount} ${money.currency} (minor units)`;
    }
  }

  function showProblem(element, message) {
    element.textContent = message;
    element.hidden = !message;
  }

  function problemText(answer, fallback) {
    const body = answer.body || {};
    return body.detail || body.title || `${fallback} (HTTP ${answer.status})`;
  }

  function withdrawalPeriodSeconds() {
    const meta = document.querySelector('meta[name="withdrawal-period-seconds"]');
    const seconds = meta ? Number.parseInt(meta.content, 10) : Number.NaN;
    return Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_WITHDRAWAL_PERIOD_SECONDS;
  }

  function describePeriod(seconds) {
    const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
    const [size, unit] = units.find(([s]) => seconds % s === 0);
    const n = seconds / size;
    return `${n.toLocaleString()} ${unit}${n === 1 ? '' : 's'}`;
  }

  function formatDateTime(millis) {
    const date = new Date(millis);
    try {
      return date.toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'long' });
    } catch (e) {
      return date.toString();
    }
  }

  function serverNow() {
    return Date.now() + clockOffsetMs;
  }

  async function readAnswer(response) {
    const serverDate = Date.parse(response.headers.get('Date') || '');
    if (Number.isFinite(serverDate)) {
      clockOffsetMs = serverDate - Date.now();
    }
    const type = response.headers.get('Content-Type') || '';
    let body = null;
    if (type.includes('json')) {
      try {
        body = await response.json();
      } catch (e) {
        if (response.ok) {
          // A success whose body was cut off is no answer: retry it with the same key.
          throw new Error('incomplete answer');
        }
        body = null;
      }
    }
    return { status: response.status, headers: response.headers, body };
  }

  // Whether an answer settles the request, so the next attempt may take a new key: a success, or
  // a refusal that stored nothing. A server error, a request still in flight (409 in use) or a
  // throttle (429) do not: the same purchase must be sent again with the same key.
  function isSettled(answer) {
    if (answer.status >= 200 && answer.status < 300) {
      return true;
    }
    const inUse = answer.status === 409 && answer.body
      && String(answer.body.type || '').endsWith('/idempotency-key-in-use');
    return answer.status >= 400 && answer.status < 500 && !inUse && answer.status !== 429;
  }

  function retryAfterMs(headers, fallback) {
    const seconds = Number.parseInt(headers.get('Retry-After') || '', 10);
    return Number.isFinite(seconds) ? Math.min(Math.max(seconds, 0), 10) * 1000 : fallback;
  }

  // POSTs JSON with an Idempotency-Key. A network failure, a 409 idempotency-key-in-use (the first
  // try is still running) and a 503 are sent again, with the same key and body, after a pause.
  // When the shop stays unreachable, throws an Error with the message `unreachable`.
  async function postIdempotent(url, key, body, progress, unreachable) {
    for (let attempt = 0; ; attempt++) {
      let answer;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            'Accept': 'application/json, application/problem+json',
            'Idempotency-Key': key,
          },
          body,
          cache: 'no-store',
        });
        answer = await readAnswer(response);
      } catch (networkFailure) {
        if (attempt >= RETRY_DELAYS_MS.length) {
          throw new Error(unreachable);
        }
        progress.textContent = 'Connection problem, trying again…';
        await sleep(RETRY_DELAYS_MS[attempt]);
        continue;
      }
      const inUse = answer.status === 409 && answer.body
        && String(answer.body.type || '').endsWith('/idempotency-key-in-use');
      if ((inUse || answer.status === 503) && attempt < RETRY_DELAYS_MS.length) {
        progress.textContent = 'Still working on it…';
        await sleep(retryAfterMs(answer.headers, RETRY_DELAYS_MS[attempt]));
        continue;
      }
      return answer;
    }
  }

  // The key for a request: the pending one if this very request was sent before without an
  // answer, a new one otherwise.
  function keyFor(kind, body) {
    const last = pending[kind];
    if (last && last.body === body) {
      return last.key;
    }
    const key = newKey();
    pending[kind] = { key, body };
    return key;
  }

  // ---- product and terms ----

  async function loadProduct() {
    // "no-cache": the browser revalidates its copy with If-None-Match; the server answers 304
    // while the product (price, stock) is unchanged.
    const response = await fetch(`/products/${encodeURIComponent(sku)}`, { cache: 'no-cache' });
    const answer = await readAnswer(response);
    if (answer.status !== 200) {
      throw new Error(problemText(answer, 'The product cannot be loaded'));
    }
    const product = answer.body;
    $('product-name').textContent = product.name;
    $('product-price').textContent = formatMoney(product.price);
    $('product-stock').textContent = product.stock.toLocaleString();
    $('product').setAttribute('aria-busy', 'false');
  }

  async function refreshProduct() {
    try {
      await loadProduct();
    } catch (e) {
      // Shown at the next successful refresh; a passing hiccup is not worth an alert.
      $('product-stock').textContent = 'unknown right now';
    } finally {
      setTimeout(refreshProduct, REFRESH_MS);
    }
  }

  async function loadTerms() {
    const answer = await readAnswer(await fetch('/terms', { cache: 'no-cache' }));
    if (answer.status !== 200) {
      throw new Error(problemText(answer, 'The terms cannot be loaded'));
    }
    termsVersion = answer.body.version;
    $('terms-version').textContent = termsVersion;
    $('terms-text').textContent = answer.body.text;
  }

  // ---- the order ----

  function showOrder(o) {
    const another = !order || order.id !== o.id;
    order = o;
    $('order-id').textContent = o.id;
    $('order-status').textContent = o.status;
    $('order-total').textContent = formatMoney(o.total);
    $('order-email').textContent = o.email;
    const created = Date.parse(o.createdAt);
    $('order-created').textContent = Number.isFinite(created) ? formatDateTime(created) : '';
    $('order-created').dateTime = o.createdAt || '';
    if (another) {
      // A statement for this order, prefilled; the customer may change any field, the order
      // number too, to withdraw from another order. The name is theirs to give.
      $('withdraw-order').value = o.id;
      $('withdraw-email').value = o.email;
      clearWithdrawalProblems();
      $('withdrawal-ack').hidden = true;
      closeWithdrawalForm();
    }
    showProblem($('lookup-problem'), '');
    $('result').hidden = false;
    updateWithdrawalControl();
  }

  // Keeps the order in the address, so a reload (or a bookmark) brings it back with its
  // withdrawal control for as long as the period lasts.
  function rememberOrderInAddress(id) {
    const params = new URLSearchParams(location.search);
    params.set('order', id);
    history.replaceState(null, '', `${location.pathname}?${params}`);
  }

  async function loadOrderFromAddress() {
    const id = new URLSearchParams(location.search).get('order');
    if (!id) {
      return;
    }
    try {
      const answer = await readAnswer(
        await fetch(`/orders/${encodeURIComponent(id)}`, { cache: 'no-store' }));
      if (answer.status === 200) {
        showOrder(answer.body);
      } else if (answer.status === 404) {
        showProblem($('lookup-problem'), `There is no order with the number ${id}. Check the `
          + 'link in your order confirmation.');
      } else {
        showProblem($('lookup-problem'), problemText(answer, 'The order cannot be shown'));
      }
    } catch (e) {
      showProblem($('lookup-problem'), 'The shop cannot be reached, so your order cannot be '
        + 'shown right now. Reload the page in a moment.');
    }
  }

  async function placeOrder(event) {
    event.preventDefault();
    const problem = $('problem');
    const progress = $('order-progress');
    showProblem(problem, '');
    const quantity = Number.parseInt($('quantity').value, 10);
    const email = $('email').value.trim();
    if (!email) {
      showProblem(problem, 'Please enter your email address.');
      $('email').focus();
      return;
    }
    if (!$('consent').checked) {
      showProblem(problem, 'Please accept the terms and conditions to order.');
      $('consent').focus();
      return;
    }
    const body = JSON.stringify({
      items: [{ sku, quantity: Number.isFinite(quantity) ? quantity : 0 }],
      email,
      ...(termsVersion ? { acceptedTerms: termsVersion } : {}),
      marketingOptIn: $('marketing').checked,
      paymentToken: $('payment').value,
    });
    const key = keyFor('checkout', body);
    const button = $('order-button');
    button.disabled = true;
    progress.textContent = 'Placing your order…';
    try {
      const answer = await postIdempotent('/checkout', key, body, progress,
        'The shop cannot be reached. Nothing was charged twice: press the button again to find '
        + 'out whether the order went through.');
      if (isSettled(answer)) {
        pending.checkout = null; // settled: the next purchase gets a new key
      }
      if (answer.status === 201 || answer.status === 200) {
        progress.textContent = answer.headers.get('Idempotent-Replayed') === 'true'
          ? 'Your order was already placed; here it is.'
          : 'Thank you, your order is placed.';
        showOrder(answer.body);
        rememberOrderInAddress(answer.body.id);
        $('result-heading').focus();
      } else {
        progress.textContent = '';
        showProblem(problem, problemText(answer, 'The order was not placed'));
      }
    } catch (e) {
      progress.textContent = '';
      showProblem(problem, e.message);
    } finally {
      button.disabled = false;
      refreshProductSoon();
    }
  }

  function refreshProductSoon() {
    loadProduct().catch(() => {});
  }

  // ---- the withdrawal function ----

  function deadlineOf(o) {
    const created = Date.parse(o.createdAt);
    return Number.isFinite(created) ? created + WITHDRAWAL_PERIOD_SECONDS * 1000 : null;
  }

  // Shows "Withdraw from contract here" on a paid order for its whole withdrawal period, and
  // hides it when the period ends (checked again at the deadline, and every minute so that a
  // computer waking from sleep catches up). An open statement stays open: what the customer typed
  // is never taken away, and the shop answers a late one with withdrawal-period-expired.
  function updateWithdrawalControl() {
    clearTimeout(periodTimer);
    periodTimer = null;
    if (!order) {
      return;
    }
    const button = $('withdraw-button');
    const text = $('withdrawal-period');
    const period = describePeriod(WITHDRAWAL_PERIOD_SECONDS);
    if (order.status === 'WITHDRAWN') {
      button.hidden = true;
      text.textContent = 'You have withdrawn from this contract.';
      return;
    }
    if (order.status !== 'PAID') {
      button.hidden = true;
      text.textContent = `This order cannot be withdrawn (status ${order.status}).`;
      return;
    }
    const deadline = deadlineOf(order);
    if (deadline === null) {
      // No order date to count from: the control stays, and the shop decides.
      button.hidden = false;
      text.textContent = `You may withdraw from this contract within ${period} of the order, `
        + 'without giving any reason.';
      return;
    }
    const left = deadline - serverNow();
    if (left <= 0) {
      button.hidden = true;
      text.textContent = `The withdrawal period of ${period} for this order ended on `
        + `${formatDateTime(deadline)}.`;
      return;
    }
    button.hidden = false;
    text.textContent = `You may withdraw from this contract without giving any reason until `
      + `${formatDateTime(deadline)} (${period} after the order).`;
    periodTimer = setTimeout(updateWithdrawalControl, Math.min(left + 250, 60 * 1000));
  }

  function openWithdrawal() {
    $('withdraw-form').hidden = false;
    $('withdrawal-ack').hidden = true;
    $('withdraw-button').setAttribute('aria-expanded', 'true');
    const firstEmpty = ['withdraw-name', 'withdraw-order', 'withdraw-email']
      .map((id) => $(id))
      .find((input) => !input.value.trim());
    (firstEmpty || $('withdraw-name')).focus();
  }

  function closeWithdrawalForm() {
    $('withdraw-form').hidden = true;
    $('withdraw-button').setAttribute('aria-expanded', 'false');
  }

  function cancelWithdrawal() {
    closeWithdrawalForm();
    if (!$('withdraw-button').hidden) {
      $('withdraw-button').focus();
    }
  }

  // Shows (or, with an empty message, clears) the error of one field: the message sits under the
  // field, the field is marked invalid and describes itself with the message first.
  function setFieldError(inputId, message) {
    const input = $(inputId);
    const error = $(`${inputId}-error`);
    error.textContent = message;
    error.hidden = !message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', `${inputId}-error ${inputId}-hint`);
    } else {
      input.removeAttribute('aria-invalid');
      input.setAttribute('aria-describedby', `${inputId}-hint`);
    }
  }

  function clearWithdrawalProblems() {
    ['withdraw-name', 'withdraw-order', 'withdraw-email'].forEach((id) => setFieldError(id, ''));
    showProblem($('withdrawal-problem'), '');
  }

  // The problem of a withdrawal: a plain message, then the shop's own detail on a line of its own.
  function showWithdrawalProblem(message, detail) {
    const element = $('withdrawal-problem');
    element.replaceChildren(document.createTextNode(message));
    if (detail) {
      element.append(document.createElement('br'),
        document.createTextNode(`The shop says: ${detail}`));
    }
    element.hidden = false;
  }

  // The statement as typed, and the errors a customer can fix before sending it.
  function readStatement() {
    const name = $('withdraw-name').value.trim();
    const orderId = $('withdraw-order').value.trim().toLowerCase();
    const email = $('withdraw-email').value.trim();
    const errors = {};
    if (!name) {
      errors['withdraw-name'] = 'Please enter your name.';
    } else if (name.length > MAX_NAME_LENGTH) {
      errors['withdraw-name'] = `Your name can have at most ${MAX_NAME_LENGTH} characters; `
        + `this one has ${name.length}.`;
    } else if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) {
      errors['withdraw-name'] = 'Your name cannot contain control characters such as tabs.';
    }
    if (!orderId) {
      errors['withdraw-order'] = 'Please enter the order number.';
    } else if (!ORDER_ID.test(orderId)) {
      errors['withdraw-order'] = 'This is not an order number. An order number looks like '
        + '01a2146a-8b95-7448-bec9-7e4de889df22; you find it in your order confirmation.';
    }
    if (!email) {
      errors['withdraw-email'] = 'Please enter the email address the order was placed with.';
    } else if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      errors['withdraw-email'] = 'Please enter an email address such as name@example.com.';
    }
    return { name, orderId, email, errors };
  }

  const SERVER_FIELDS = {
    name: 'withdraw-name',
    orderId: 'withdraw-order',
    email: 'withdraw-email',
  };

  // What the customer reads when the shop refuses the withdrawal, or cannot take it.
  function explainRefusal(answer) {
    const body = answer.body || {};
    const problem = String(body.type || '').split('/').pop();
    const detail = body.detail || '';
    const again = 'press \u201cConfirm withdrawal\u201d again';
    if (answer.status === 404) {
      setFieldError('withdraw-order', 'Check the order number.');
      setFieldError('withdraw-email', 'Check the email address.');
      showWithdrawalProblem('We found no order with this order number and this email address. '
        + `Check both against your order confirmation, then ${again}.`, detail);
      $('withdraw-order').focus();
    } else if (problem === 'already-withdrawn') {
      showWithdrawalProblem('This order has already been withdrawn, so there is nothing more to '
        + 'do. The confirmation was sent by email when it was withdrawn.', detail);
    } else if (problem === 'withdrawal-period-expired') {
      showWithdrawalProblem('The withdrawal period for this order has ended, so it can no longer '
        + 'be withdrawn here. The order stays as it is.', detail);
    } else if (body.field && SERVER_FIELDS[body.field]) {
      setFieldError(SERVER_FIELDS[body.field], detail || 'Please check this field.');
      showWithdrawalProblem('Please correct the marked field.', '');
      $(SERVER_FIELDS[body.field]).focus();
    } else if (answer.status === 429) {
      showWithdrawalProblem('There were too many attempts from here. Please wait a minute, then '
        + `${again}; what you entered is kept.`, detail);
    } else if (answer.status === 503 || answer.status === 409 || answer.status >= 500) {
      // 503, a 409 idempotency-key-in-use that outlasted the retries, or a server error: the same
      // key is kept, so pressing again continues this withdrawal instead of starting another.
      showWithdrawalProblem('The shop cannot record your withdrawal right now. What you entered is '
        + `kept: ${again} in a minute. It is sent as the same withdrawal, so it is `
        + `never recorded twice (HTTP ${answer.status}).`, detail);
    } else {
      showWithdrawalProblem('The withdrawal was not recorded.', problemText(answer, 'Refused'));
    }
  }

  function showAcknowledgement(w, statement) {
    const sent = Date.parse(w.withdrawnAt);
    const when = Number.isFinite(sent) ? formatDateTime(sent) : w.withdrawnAt;
    $('ack-order-id').textContent = w.orderId;
    $('ack-name').textContent = statement.name;
    $('ack-email').textContent = statement.email;
    $('ack-receipt-id').textContent = w.receiptId;
    $('ack-withdrawn-at').textContent = when;
    $('ack-withdrawn-at').dateTime = w.withdrawnAt;
    $('withdrawal-ack-text').textContent = `You withdrew from the contract for order ${w.orderId}`
      + ` on ${when}. A confirmation with this content is being sent to ${statement.email} by `
      + 'email, so that you have a lasting copy. Keep the receipt number for your records.';
    $('withdrawal-ack').hidden = false;
    $('withdrawal-ack-heading').focus();
  }

  async function confirmWithdrawal(event) {
    event.preventDefault();
    const progress = $('withdrawal-progress');
    clearWithdrawalProblems();
    const statement = readStatement();
    const invalid = Object.keys(statement.errors);
    if (invalid.length > 0) {
      invalid.forEach((id) => setFieldError(id, statement.errors[id]));
      showWithdrawalProblem(invalid.length === 1
        ? 'Please correct the marked field.'
        : `Please correct the ${invalid.length} marked fields.`, '');
      $(invalid[0]).focus();
      return;
    }
    const url = `/orders/${encodeURIComponent(statement.orderId)}/withdrawal`;
    const body = JSON.stringify({ email: statement.email, name: statement.name });
    // One key per withdrawal attempt: sent again unchanged, the statement keeps its key until the
    // shop gives a definitive answer; changed, it is a new attempt with a new key.
    const key = keyFor('withdrawal', url + body);
    const button = $('withdraw-confirm-button');
    button.disabled = true;
    progress.textContent = 'Sending your withdrawal…';
    try {
      const answer = await postIdempotent(url, key, body, progress,
        'The shop cannot be reached, so your withdrawal may not have arrived. What you entered is '
        + 'kept: press \u201cConfirm withdrawal\u201d again when you are back online. It is sent '
        + 'as the same withdrawal, so it is never recorded twice.');
      if (isSettled(answer)) {
        pending.withdrawal = null; // settled: the next attempt gets a new key
      }
      progress.textContent = '';
      if (answer.status === 200) {
        const w = answer.body;
        closeWithdrawalForm();
        if (order && order.id === w.orderId) {
          order.status = w.status;
          $('order-status').textContent = w.status;
        }
        updateWithdrawalControl();
        showAcknowledgement(w, statement);
        refreshProductSoon();
      } else {
        explainRefusal(answer);
      }
    } catch (e) {
      progress.textContent = '';
      showWithdrawalProblem(e.message, '');
    } finally {
      button.disabled = false;
    }
  }

  // ---- start ----

  document.addEventListener('DOMContentLoaded', () => {
    $('order-form').addEventListener('submit', placeOrder);
    $('withdraw-button').addEventListener('click', openWithdrawal);
    $('withdraw-cancel-button').addEventListener('click', cancelWithdrawal);
    $('withdraw-form').addEventListener('submit', confirmWithdrawal);
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) {
        updateWithdrawalControl();
      }
    });
    $('withdrawal-period').textContent = 'You may withdraw from a contract within '
      + `${describePeriod(WITHDRAWAL_PERIOD_SECONDS)} without giving any reason.`;
    loadOrderFromAddress();
    loadTerms().catch((e) => {
      $('terms-text').textContent = e.message;
    });
    loadProduct()
      .catch((e) => {
        $('product-name').textContent = e.message;
      })
      .finally(() => setTimeout(refreshProduct, REFRESH_MS));
  });
})();
