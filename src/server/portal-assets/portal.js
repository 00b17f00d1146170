// The customer portal page's script: served as it is (no build step), from this origin only (the page's CSP).
// It speaks only the portal GraphQL operations. The access token is the last segment of the page's address; the
// portal session token lives in memory and in sessionStorage (this tab only): portalOpen with a verified session of
// the same debtor stays verified, so a return from the checkout page does not ask for the verification again.
/* global document, window, navigator, location, fetch, sessionStorage, URL */
(function () {
  'use strict';

  var TEXTS = {
    en: {
      pageTitle: 'Your invoices',
      skipToContent: 'Skip to content',
      title: 'Your invoices',
      forDebtor: 'For {name}',
      loading: 'Loading…',
      linkInvalid: 'This link is not valid (any more). Please use the link in the most recent email you received from us.',
      sessionEnded: 'Your session has ended. Please open the link from your email again.',
      failed: 'Something went wrong. Please try again later.',
      tooMany: 'Too many attempts. Please try again later.',
      tooManyUntil: 'Too many attempts. Please try again after {time}.',
      dataNeedsVerification: 'Please confirm who you are (above) to see your invoices and messages.',
      dataNoMethod: 'We need to confirm who you are before we can show your invoices, but that is not possible online for you. Please contact us.',
      sensitiveNeedsVerification: 'Please confirm who you are (above) to see documents and attachments.',
      sensitiveNoMethod: 'Documents and attachments need a confirmation of who you are, which is not possible online for you. Please contact us for a copy.',
      sensitiveNotAvailable: 'Documents and attachments are not available here. Please contact us for a copy.',
      postcodeFailed: 'The postcode and house number do not match what we have for you.',
      codeFailed: 'The code is not correct or has expired. Please try again or ask for a new code.',
      replyFailed: 'Your message could not be sent.',
      paymentFailed: 'The payment could not be started.',
      verifyHeading: 'Confirm it is you',
      verifyIntro: 'Before we can show you everything, we ask you to confirm who you are.',
      noMethod: 'We cannot confirm who you are online. Please contact us.',
      postcodeHeading: 'With your postcode and house number',
      postcode: 'Postcode',
      houseNumber: 'House number',
      verifyButton: 'Confirm',
      otpHeading: 'With a code by text message',
      sendCode: 'Send me a code',
      sendCodeAgain: 'Send me a new code',
      codeSent: 'We sent a code to {to}. It is valid until {time}.',
      code: 'Code (6 digits)',
      verifyCode: 'Confirm code',
      verified: 'Thank you, you are confirmed.',
      invoicesHeading: 'Open invoices',
      invoicesCaption: 'Select the invoices you want to pay.',
      noInvoices: 'You have no open invoices.',
      columnPay: 'Pay',
      columnNumber: 'Invoice',
      columnIssueDate: 'Invoice date',
      columnDueDate: 'Due date',
      columnAmount: 'Amount',
      columnOpen: 'Open',
      columnDocuments: 'Documents',
      selectInvoice: 'Pay invoice {number}',
      download: 'Download {filename}',
      payButton: 'Pay selected invoices',
      payTotal: 'Total to pay: {amount}',
      paySelectNone: 'Select at least one invoice to pay.',
      payRedirect: 'Taking you to the payment page…',
      paymentChecking: 'Checking your payment…',
      paymentReceived: 'Thank you, we received your payment for invoice {numbers}.',
      paymentNotReceived: 'We have not received a payment for invoice {numbers} (yet). If you paid, it will show here soon.',
      messagesHeading: 'Messages',
      noMessages: 'There are no messages yet.',
      fromYou: 'You',
      aboutInvoice: 'about invoice {number}',
      attachments: 'Attachments',
      replyHeading: 'Send us a message',
      replyAbout: 'About',
      replyAboutGeneral: 'General (no specific invoice)',
      replyAboutInvoice: 'Invoice {number}',
      replyBody: 'Your message',
      send: 'Send',
      sent: 'Your message has been sent.',
    },
    nl: {
      pageTitle: 'Uw facturen',
      skipToContent: 'Naar de inhoud',
      title: 'Uw facturen',
      forDebtor: 'Voor {name}',
      loading: 'Bezig met laden…',
      linkInvalid: 'Deze link is niet (meer) geldig. Gebruik de link in de meest recente e-mail die u van ons kreeg.',
      sessionEnded: 'Uw sessie is verlopen. Open de link uit uw e-mail opnieuw.',
      failed: 'Er ging iets mis. Probeer het later nog eens.',
      tooMany: 'Te veel pogingen. Probeer het later nog eens.',
      tooManyUntil: 'Te veel pogingen. Probeer het opnieuw na {time}.',
      dataNeedsVerification: 'Bevestig eerst (hierboven) wie u bent om uw facturen en berichten te zien.',
      dataNoMethod: 'We moeten bevestigen wie u bent voordat we uw facturen kunnen tonen, maar dat kan voor u niet online. Neem contact met ons op.',
      sensitiveNeedsVerification: 'Bevestig eerst (hierboven) wie u bent om documenten en bijlagen te zien.',
      sensitiveNoMethod: 'Voor documenten en bijlagen moeten we bevestigen wie u bent, maar dat kan voor u niet online. Vraag ons om een kopie.',
      sensitiveNotAvailable: 'Documenten en bijlagen zijn hier niet beschikbaar. Vraag ons om een kopie.',
      postcodeFailed: 'De postcode en het huisnummer komen niet overeen met wat wij van u hebben.',
      codeFailed: 'De code klopt niet of is verlopen. Probeer het opnieuw of vraag een nieuwe code aan.',
      replyFailed: 'Uw bericht kon niet worden verstuurd.',
      paymentFailed: 'De betaling kon niet worden gestart.',
      verifyHeading: 'Bevestig dat u het bent',
      verifyIntro: 'Voordat we alles kunnen tonen, vragen we u te bevestigen wie u bent.',
      noMethod: 'We kunnen online niet bevestigen wie u bent. Neem contact met ons op.',
      postcodeHeading: 'Met uw postcode en huisnummer',
      postcode: 'Postcode',
      houseNumber: 'Huisnummer',
      verifyButton: 'Bevestigen',
      otpHeading: 'Met een code per sms',
      sendCode: 'Stuur mij een code',
      sendCodeAgain: 'Stuur mij een nieuwe code',
      codeSent: 'We hebben een code gestuurd naar {to}. Deze is geldig tot {time}.',
      code: 'Code (6 cijfers)',
      verifyCode: 'Code bevestigen',
      verified: 'Dank u, u bent bevestigd.',
      invoicesHeading: 'Openstaande facturen',
      invoicesCaption: 'Kies de facturen die u wilt betalen.',
      noInvoices: 'U heeft geen openstaande facturen.',
      columnPay: 'Betalen',
      columnNumber: 'Factuur',
      columnIssueDate: 'Factuurdatum',
      columnDueDate: 'Vervaldatum',
      columnAmount: 'Bedrag',
      columnOpen: 'Openstaand',
      columnDocuments: 'Documenten',
      selectInvoice: 'Factuur {number} betalen',
      download: '{filename} downloaden',
      payButton: 'Gekozen facturen betalen',
      payTotal: 'Totaal te betalen: {amount}',
      paySelectNone: 'Kies ten minste één factuur om te betalen.',
      payRedirect: 'U gaat naar de betaalpagina…',
      paymentChecking: 'We controleren uw betaling…',
      paymentReceived: 'Dank u, we hebben uw betaling voor factuur {numbers} ontvangen.',
      paymentNotReceived: 'We hebben (nog) geen betaling voor factuur {numbers} ontvangen. Heeft u betaald, dan ziet u dat hier binnenkort.',
      messagesHeading: 'Berichten',
      noMessages: 'Er zijn nog geen berichten.',
      fromYou: 'U',
      aboutInvoice: 'over factuur {number}',
      attachments: 'Bijlagen',
      replyHeading: 'Stuur ons een bericht',
      replyAbout: 'Onderwerp',
      replyAboutGeneral: 'Algemeen (geen bepaalde factuur)',
      replyAboutInvoice: 'Factuur {number}',
      replyBody: 'Uw bericht',
      send: 'Versturen',
      sent: 'Uw bericht is verstuurd.',
    },
  };

  var SESSION_FIELDS = 'token verified verificationRequired methods debtorName administrationName';
  var OPS = {
    open: 'mutation PortalOpen($accessToken: String!) { portalOpen(accessToken: $accessToken) { ' + SESSION_FIELDS + ' } }',
    verifyPostcode:
      'mutation PortalVerifyPostcode($postcode: String!, $houseNumber: String!) { portalVerifyPostcode(postcode: $postcode, houseNumber: $houseNumber) { ' +
      SESSION_FIELDS +
      ' } }',
    requestOtp: 'mutation PortalRequestOtp { portalRequestOtp { sentTo expiresAt } }',
    verifyOtp: 'mutation PortalVerifyOtp($code: String!) { portalVerifyOtp(code: $code) { ' + SESSION_FIELDS + ' } }',
    invoices: 'query PortalInvoices { portalInvoices { id number issueDate dueDate amount { amount currency } openAmount { amount currency } } }',
    // Documents and attachments apart from the rest: where the level refuses them (FORBIDDEN), the rest still shows.
    documents: 'query PortalDocuments { portalInvoices { id documents { id filename contentType size url } } }',
    messages: 'query PortalMessages { portalMessages { id direction targetType targetId subject body createdAt sentAt } }',
    attachments: 'query PortalAttachments { portalMessages { id attachments { id filename size url } } }',
    reply: 'mutation PortalReply($invoiceId: ID, $body: String!) { portalReply(invoiceId: $invoiceId, body: $body) { id } }',
    startPayment: 'mutation PortalStartPayment($invoiceIds: [ID!]!) { portalStartPayment(invoiceIds: $invoiceIds) { checkoutUrl } }',
  };
  var SESSION_KEY = 'portal-session';
  var PAYMENT_KEY = 'portal-payment';
  var GRAPHQL_URL = new URL('../graphql', location.href).href;

  function pickLanguage() {
    var languages = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    for (var i = 0; i < languages.length; i++) {
      var tag = String(languages[i]).toLowerCase();
      if (tag.slice(0, 2) === 'nl') return 'nl';
      if (tag.slice(0, 2) === 'en') return 'en';
    }
    return 'en';
  }

  var lang = pickLanguage();
  var locale = lang === 'nl' ? 'nl-NL' : 'en-GB';
  var accessToken = (function () {
    try {
      return decodeURIComponent(location.pathname.split('/').pop() || '');
    } catch {
      return ''; // a mangled address: not a link of ours
    }
  })();
  var session = null; // PortalSession
  var reopened = false; // a session that ended is replaced once, by portalOpen again
  var invoices = [];

  function t(key, values) {
    var text = TEXTS[lang][key] || TEXTS.en[key] || key;
    return text.replace(/\{(\w+)\}/g, function (_match, name) {
      return values && values[name] !== undefined ? String(values[name]) : '';
    });
  }

  function $(id) {
    return document.getElementById(id);
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(child);
    });
    return node;
  }

  function show(id, visible) {
    $(id).hidden = !visible;
  }

  function setStatus(text) {
    $('status').textContent = text || '';
  }

  function setAlert(text) {
    $('alert').textContent = text || '';
  }

  function money(value) {
    try {
      return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(Number(value.amount));
    } catch {
      return value.amount + ' ' + value.currency;
    }
  }

  function date(value) {
    return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(value + 'T00:00:00Z'));
  }

  function dateTime(value) {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
  }

  function time(value) {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(new Date(value));
  }

  function fileSize(bytes) {
    return bytes < 1024 ? bytes + ' B' : bytes < 1048576 ? Math.round(bytes / 1024) + ' kB' : (bytes / 1048576).toFixed(1) + ' MB';
  }

  /** An error of a GraphQL answer, with its code (extensions.code) and the server's message. */
  function GraphqlError(code, message) {
    this.code = code;
    this.message = message;
  }

  function gql(query, variables, withSession) {
    var headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (withSession !== false && session) headers.authorization = 'Bearer ' + session.token;
    return fetch(GRAPHQL_URL, { method: 'POST', headers: headers, body: JSON.stringify({ query: query, variables: variables || {} }), credentials: 'omit' })
      .then(
        function (response) {
          return response.json();
        },
        function () {
          throw new GraphqlError('NETWORK', t('failed'));
        },
      )
      .then(function (body) {
        if (body.errors && body.errors.length) {
          var first = body.errors[0];
          throw new GraphqlError((first.extensions && first.extensions.code) || 'UNKNOWN', first.message || t('failed'));
        }
        if (!body.data) throw new GraphqlError('UNKNOWN', t('failed'));
        return body.data;
      });
  }

  /**
   * What a failed action tells the debtor. The server's messages are English and written for any client; in English
   * the page shows them (they say what is wrong, say how many tries are left), in Dutch its own sentence.
   */
  function explain(error, fallbackKey) {
    if (!(error instanceof GraphqlError)) return t('failed');
    if (error.code === 'TOO_MANY_REQUESTS') {
      var until = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z/.exec(error.message);
      return until ? t('tooManyUntil', { time: dateTime(until[0]) }) : t('tooMany');
    }
    if (['FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT'].indexOf(error.code) >= 0) return lang === 'en' ? error.message : t(fallbackKey || 'failed');
    return t('failed');
  }

  /**
   * Why a list is refused (FORBIDDEN), in the debtor's words: the session says whether verifying would help. The
   * server's own message names the operations to call, which is for developers.
   */
  function refusal(error, what) {
    if (!(error instanceof GraphqlError) || error.code !== 'FORBIDDEN') return explain(error);
    var methods = session.methods || [];
    if (!session.verified && methods.length > 0) return t(what + 'NeedsVerification');
    if (!session.verified && session.verificationRequired) return t(what + 'NoMethod');
    return what === 'sensitive' ? t('sensitiveNotAvailable') : error.message;
  }

  function readStored(key) {
    try {
      var value = JSON.parse(sessionStorage.getItem(key) || 'null');
      return value && value.accessToken === accessToken ? value : null;
    } catch {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(Object.assign({ accessToken: accessToken }, value)));
    } catch {
      // Storage refused (private mode): the session stays in memory only.
    }
  }

  function useSession(next) {
    session = next;
    store(SESSION_KEY, { session: next });
    $('administration-name').textContent = next.administrationName || '';
    $('debtor-name').textContent = t('forDebtor', { name: next.debtorName });
    document.title = (next.administrationName ? next.administrationName + ' – ' : '') + t('pageTitle');
    renderVerification();
  }

  /** The session ended (expired, or the link was replaced): open the portal again once, which says if the link is still good. */
  function handleSessionError(error) {
    if (!(error instanceof GraphqlError) || error.code !== 'UNAUTHENTICATED') return false;
    if (error.handled) return true; // passed on by a loader that dealt with it already
    error.handled = true;
    store(SESSION_KEY, null);
    session = null;
    ['verify', 'invoices', 'messages'].forEach(function (id) {
      show(id, false);
    });
    if (reopened) {
      setAlert(t('sessionEnded'));
    } else {
      reopened = true;
      openSession();
    }
    return true;
  }

  function failWith(fallbackKey) {
    return function (error) {
      if (handleSessionError(error)) return;
      setStatus('');
      setAlert(explain(error, fallbackKey));
    };
  }

  var fail = failWith('failed');

  // ------------------------------------------------------------------ verification

  function renderVerification() {
    var needed = session.verificationRequired && !session.verified;
    show('verify', needed);
    if (!needed) return;
    var methods = session.methods || [];
    show('postcode-form', methods.indexOf('POSTCODE_HOUSE_NUMBER') >= 0);
    show('otp', methods.indexOf('SMS_OTP') >= 0);
    show('no-method', methods.length === 0);
  }

  function busy(form, isBusy) {
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (button) {
      button.disabled = isBusy;
    });
  }

  function submitting(form, fallbackKey, action) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      setAlert('');
      busy(form, true);
      Promise.resolve()
        .then(action)
        .catch(failWith(fallbackKey))
        .then(function () {
          busy(form, false);
        });
    });
  }

  function verifiedWith(next) {
    useSession(next);
    setStatus(t('verified'));
    $('invoices-heading').focus();
    return loadAll();
  }

  function bindVerification() {
    submitting($('postcode-form'), 'postcodeFailed', function () {
      return gql(OPS.verifyPostcode, { postcode: $('postcode').value, houseNumber: $('house-number').value }).then(function (data) {
        return verifiedWith(data.portalVerifyPostcode);
      });
    });
    submitting($('otp-request-form'), 'failed', function () {
      return gql(OPS.requestOtp).then(function (data) {
        var challenge = data.portalRequestOtp;
        $('otp-sent').textContent = t('codeSent', { to: challenge.sentTo, time: time(challenge.expiresAt) });
        setStatus(t('codeSent', { to: challenge.sentTo, time: time(challenge.expiresAt) }));
        $('otp-request-form').querySelector('button').textContent = t('sendCodeAgain');
        show('otp-form', true);
        $('otp-code').focus();
      });
    });
    submitting($('otp-form'), 'codeFailed', function () {
      return gql(OPS.verifyOtp, { code: $('otp-code').value.replace(/\s/g, '') }).then(function (data) {
        $('otp-code').value = '';
        return verifiedWith(data.portalVerifyOtp);
      });
    });
  }

  // ------------------------------------------------------------------ invoices, documents, payment

  function showNotice(id, text) {
    $(id).textContent = text || '';
    show(id, Boolean(text));
  }

  function loadInvoices() {
    return gql(OPS.invoices).then(
      function (data) {
        invoices = data.portalInvoices;
        showNotice('invoices-notice', '');
        renderInvoices();
        fillReplyChoices();
        return loadDocuments();
      },
      function (error) {
        if (handleSessionError(error)) throw error;
        invoices = [];
        renderInvoices();
        fillReplyChoices();
        show('pay-form', false);
        show('no-invoices', false);
        // FORBIDDEN says what is needed (for instance: confirm who you are first).
        showNotice('invoices-notice', refusal(error, 'data'));
      },
    );
  }

  function renderInvoices() {
    var rows = $('invoice-rows');
    rows.textContent = '';
    invoices.forEach(function (invoice) {
      var checkbox = element('input', { type: 'checkbox', id: 'pay-' + invoice.id, value: invoice.id });
      checkbox.addEventListener('change', updateTotal);
      var label = element('label', { for: 'pay-' + invoice.id, class: 'pay-select' }, [checkbox, element('span', { class: 'visually-hidden', text: t('selectInvoice', { number: invoice.number }) })]);
      rows.appendChild(
        element('tr', { 'data-invoice': invoice.id }, [
          element('td', {}, [label]),
          element('th', { scope: 'row', text: invoice.number }),
          element('td', { text: date(invoice.issueDate) }),
          element('td', { text: date(invoice.dueDate) }),
          element('td', { class: 'amount', text: money(invoice.amount) }),
          element('td', { class: 'amount', text: money(invoice.openAmount) }),
          element('td', { class: 'documents' }),
        ]),
      );
    });
    show('pay-form', invoices.length > 0);
    show('no-invoices', invoices.length === 0);
    updateTotal();
  }

  function selectedInvoices() {
    return invoices.filter(function (invoice) {
      var box = $('pay-' + invoice.id);
      return box && box.checked;
    });
  }

  function updateTotal() {
    var selected = selectedInvoices();
    if (selected.length === 0) {
      $('pay-total').textContent = '';
      return;
    }
    var cents = selected.reduce(function (sum, invoice) {
      return sum + Math.round(Number(invoice.openAmount.amount) * 100);
    }, 0);
    $('pay-total').textContent = t('payTotal', { amount: money({ amount: (cents / 100).toFixed(2), currency: selected[0].openAmount.currency }) });
  }

  function loadDocuments() {
    return gql(OPS.documents).then(
      function (data) {
        showNotice('documents-notice', '');
        data.portalInvoices.forEach(function (invoice) {
          var cell = document.querySelector('tr[data-invoice="' + invoice.id + '"] td.documents');
          if (!cell || invoice.documents.length === 0) return;
          cell.textContent = '';
          cell.appendChild(element('ul', {}, invoice.documents.map(documentLink)));
        });
      },
      function (error) {
        if (handleSessionError(error)) throw error;
        showNotice('documents-notice', refusal(error, 'sensitive'));
      },
    );
  }

  function documentLink(doc) {
    var link = element('a', { href: doc.url, download: doc.filename, text: doc.filename });
    link.appendChild(element('span', { class: 'visually-hidden', text: ' – ' + t('download', { filename: doc.filename }) }));
    return element('li', {}, [link, document.createTextNode(' (' + fileSize(doc.size) + ')')]);
  }

  function bindPayment() {
    submitting($('pay-form'), 'paymentFailed', function () {
      var selected = selectedInvoices();
      if (selected.length === 0) {
        setAlert(t('paySelectNone'));
        return null;
      }
      var ids = selected.map(function (invoice) {
        return invoice.id;
      });
      return gql(OPS.startPayment, { invoiceIds: ids }).then(function (data) {
        var checkout = new URL(data.portalStartPayment.checkoutUrl, location.href);
        if (checkout.protocol !== 'https:' && checkout.protocol !== 'http:') throw new GraphqlError('UNKNOWN', t('failed'));
        store(PAYMENT_KEY, {
          invoices: selected.map(function (invoice) {
            return { id: invoice.id, number: invoice.number };
          }),
        });
        setStatus(t('payRedirect'));
        window.location.assign(checkout.href);
      });
    });
  }

  /** Back from the checkout page: wait a little for the payment to arrive (its webhook), then say what happened. */
  function checkReturnedPayment(attempt) {
    var pending = readStored(PAYMENT_KEY);
    if (!pending) return null;
    var stillOpen = pending.invoices.filter(function (paid) {
      return invoices.some(function (invoice) {
        return invoice.id === paid.id && Number(invoice.openAmount.amount) > 0;
      });
    });
    var numbers = pending.invoices
      .map(function (invoice) {
        return invoice.number;
      })
      .join(', ');
    if (stillOpen.length === 0) {
      store(PAYMENT_KEY, null);
      setStatus(t('paymentReceived', { numbers: numbers }));
      return null;
    }
    if (attempt >= 10) {
      store(PAYMENT_KEY, null);
      setStatus(t('paymentNotReceived', { numbers: numbers }));
      return null;
    }
    if (attempt === 0) setStatus(t('paymentChecking'));
    return new Promise(function (resolve) {
      window.setTimeout(resolve, 1000);
    })
      .then(loadInvoices)
      .then(function () {
        return checkReturnedPayment(attempt + 1);
      });
  }

  // ------------------------------------------------------------------ messages and replies

  function loadMessages() {
    return gql(OPS.messages).then(
      function (data) {
        showNotice('messages-notice', '');
        renderMessages(data.portalMessages);
        show('reply-form', true);
        return data.portalMessages.length > 0 ? loadAttachments() : null;
      },
      function (error) {
        if (handleSessionError(error)) throw error;
        renderMessages([]);
        show('no-messages', false);
        show('reply-form', false);
        showNotice('messages-notice', refusal(error, 'data'));
      },
    );
  }

  function invoiceNumber(id) {
    var found = invoices.filter(function (invoice) {
      return invoice.id === id;
    })[0];
    return found ? found.number : null;
  }

  function renderMessages(messages) {
    var list = $('message-list');
    list.textContent = '';
    messages
      .slice()
      .sort(function (a, b) {
        return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
      })
      .forEach(function (message) {
        var inbound = message.direction === 'INBOUND';
        var number = message.targetType === 'INVOICE' ? invoiceNumber(message.targetId) : null;
        var meta = (inbound ? t('fromYou') : session.administrationName || '') + ' · ' + dateTime(message.sentAt || message.createdAt) + (number ? ' · ' + t('aboutInvoice', { number: number }) : '');
        list.appendChild(
          element('li', { class: inbound ? 'inbound' : 'outbound', 'data-message': message.id }, [
            message.subject ? element('h3', { text: message.subject }) : null,
            element('p', { class: 'meta', text: meta }),
            element('p', { class: 'body', text: message.body }),
          ]),
        );
      });
    show('no-messages', messages.length === 0);
  }

  function loadAttachments() {
    return gql(OPS.attachments).then(
      function (data) {
        data.portalMessages.forEach(function (message) {
          var item = document.querySelector('li[data-message="' + message.id + '"]');
          if (!item || message.attachments.length === 0) return;
          item.appendChild(element('p', { class: 'meta', text: t('attachments') }));
          item.appendChild(element('ul', {}, message.attachments.map(documentLink)));
        });
      },
      function (error) {
        if (handleSessionError(error)) throw error;
        showNotice('messages-notice', refusal(error, 'sensitive'));
      },
    );
  }

  function fillReplyChoices() {
    var select = $('reply-invoice');
    var chosen = select.value;
    select.textContent = '';
    select.appendChild(element('option', { value: '', text: t('replyAboutGeneral') }));
    invoices.forEach(function (invoice) {
      select.appendChild(element('option', { value: invoice.id, text: t('replyAboutInvoice', { number: invoice.number }) }));
    });
    select.value = chosen;
    if (select.selectedIndex < 0) select.value = '';
  }

  function bindReply() {
    submitting($('reply-form'), 'replyFailed', function () {
      var body = $('reply-body').value.trim();
      if (!body) {
        $('reply-body').focus();
        return null;
      }
      return gql(OPS.reply, { invoiceId: $('reply-invoice').value || null, body: body }).then(function () {
        $('reply-body').value = '';
        setStatus(t('sent'));
        return loadMessages();
      });
    });
  }

  // ------------------------------------------------------------------ start

  function loadAll() {
    show('invoices', true);
    show('messages', true);
    return loadInvoices()
      .then(loadMessages)
      .then(function () {
        return checkReturnedPayment(0);
      })
      .catch(fail);
  }

  function translateStatic() {
    document.documentElement.lang = lang;
    document.title = t('pageTitle');
    Array.prototype.forEach.call(document.querySelectorAll('[data-text]'), function (node) {
      node.textContent = t(node.getAttribute('data-text'));
    });
  }

  /** portalOpen, with this tab's earlier session where there is one (a verified one stays verified). */
  function openSession() {
    var stored = readStored(SESSION_KEY);
    session = stored && stored.session;
    setStatus(t('loading'));
    return gql(OPS.open, { accessToken: accessToken }, Boolean(session))
      .catch(function (error) {
        // The stored session has expired or its link was replaced: open without it.
        if (!session || !(error instanceof GraphqlError) || error.code !== 'UNAUTHENTICATED') throw error;
        store(SESSION_KEY, null);
        session = null;
        return gql(OPS.open, { accessToken: accessToken }, false);
      })
      .then(
        function (data) {
          setStatus('');
          useSession(data.portalOpen);
          return loadAll();
        },
        function (error) {
          session = null;
          setStatus('');
          // The link is refused (unknown, replaced): say so plainly; a limit says when to try again.
          var code = error instanceof GraphqlError ? error.code : 'NETWORK';
          setAlert(code === 'TOO_MANY_REQUESTS' ? explain(error) : code === 'NETWORK' || code === 'UNKNOWN' ? t('failed') : t('linkInvalid'));
        },
      );
  }

  function start() {
    translateStatic();
    bindVerification();
    bindPayment();
    bindReply();
    if (!/^[A-Za-z0-9_-]{16,200}$/.test(accessToken)) {
      setAlert(t('linkInvalid'));
      return;
    }
    openSession();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
