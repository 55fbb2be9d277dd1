// The quickstart storefront: plain JavaScript, no build step, no third-party code.
//
// Every write carries an Idempotency-Key made once per purchase attempt. A network failure is
// retried with the same key, so a lost answer never turns into a second order: the server
// replays the first answer instead (Idempotent-Replayed: true).
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const REFRESH_MS = 5000;
  const RETRY_DELAYS_MS = [300, 1000, 2000, 4000];
  const sku = new URLSearchParams(location.search).get('sku') || 'one-dollar-item';

  let termsVersion = null;
  let order = null;
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

  async function readAnswer(response) {
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
  async function postIdempotent(url, key, body, progress) {
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
          throw new Error('The shop cannot be reached. Nothing was charged twice: press the '
            + 'button again to find out whether the order went through.');
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
    order = o;
    $('order-id').textContent = o.id;
    $('order-status').textContent = o.status;
    $('order-total').textContent = formatMoney(o.total);
    $('order-email').textContent = o.email;
    $('withdraw-order-id').textContent = o.id;
    $('withdraw-email').value = o.email;
    $('withdraw-button').hidden = o.status !== 'PAID';
    $('result').hidden = false;
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
      const answer = await postIdempotent('/checkout', key, body, progress);
      if (isSettled(answer)) {
        pending.checkout = null; // settled: the next purchase gets a new key
      }
      if (answer.status === 201 || answer.status === 200) {
        progress.textContent = answer.headers.get('Idempotent-Replayed') === 'true'
          ? 'Your order was already placed; here it is.'
          : 'Thank you, your order is placed.';
        showOrder(answer.body);
        $('withdrawal-result').textContent = '';
        showProblem($('withdrawal-problem'), '');
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

  // ---- the withdrawal ----

  function openWithdrawal() {
    $('withdraw-confirm').hidden = false;
    $('withdraw-button').setAttribute('aria-expanded', 'true');
    $('withdraw-email').focus();
  }

  function cancelWithdrawal() {
    $('withdraw-confirm').hidden = true;
    $('withdraw-button').setAttribute('aria-expanded', 'false');
    $('withdraw-button').focus();
  }

  async function confirmWithdrawal(event) {
    event.preventDefault();
    const problem = $('withdrawal-problem');
    const result = $('withdrawal-result');
    showProblem(problem, '');
    const email = $('withdraw-email').value.trim();
    if (!email) {
      showProblem(problem, 'Please enter the email address of the order.');
      $('withdraw-email').focus();
      return;
    }
    const url = `/orders/${encodeURIComponent(order.id)}/withdrawal`;
    const body = JSON.stringify({ email });
    const key = keyFor('withdrawal', url + body);
    const button = $('withdraw-confirm-button');
    button.disabled = true;
    result.textContent = 'Sending your withdrawal…';
    try {
      const answer = await postIdempotent(url, key, body, result);
      if (isSettled(answer)) {
        pending.withdrawal = null;
      }
      if (answer.status === 200) {
        const w = answer.body;
        $('order-status').textContent = w.status;
        $('withdraw-confirm').hidden = true;
        $('withdraw-button').hidden = true;
        result.textContent = `Withdrawn at ${new Date(w.withdrawnAt).toLocaleString()}. `
          + `Your receipt number is ${w.receiptId}; a confirmation is on its way to ${email}.`;
        order.status = w.status;
        refreshProductSoon();
      } else {
        result.textContent = '';
        showProblem(problem, problemText(answer, 'The withdrawal was not recorded'));
      }
    } catch (e) {
      result.textContent = '';
      showProblem(problem, e.message);
    } finally {
      button.disabled = false;
    }
  }

  // ---- start ----

  document.addEventListener('DOMContentLoaded', () => {
    $('order-form').addEventListener('submit', placeOrder);
    $('withdraw-button').addEventListener('click', openWithdrawal);
    $('withdraw-cancel-button').addEventListener('click', cancelWithdrawal);
    $('withdraw-confirm').addEventListener('submit', confirmWithdrawal);
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
