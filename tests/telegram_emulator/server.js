#!/usr/bin/env node
/*
 * Telegram Bot API emulator for civicbot's end-to-end tests.
 *
 * Starts `telegram-test-api` (4.2.x) from code and patches its route table so
 * that python-telegram-bot 22 accepts every answer.  See README.md for the
 * list of patches, the user-side ("client") routes and the /control endpoints.
 *
 * Usage: node server.js [--port N] [--host 127.0.0.1] [--store-timeout SECONDS]
 *                       [--bot-username NAME] [--bot-first-name NAME]
 *                       [--exit-on-stdin-close]
 *   env: TG_EMULATOR_PORT, TG_EMULATOR_HOST, TG_EMULATOR_STORE_TIMEOUT
 * Prints exactly one line `READY <port>` on stdout once it listens; logs go to
 * stderr.
 */
'use strict';

const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { URL } = require('url');

const TelegramServer = require('telegram-test-api');
const routeIndex = require('telegram-test-api/lib/routes/index');
const origClient = {
  sendMessage: require('telegram-test-api/lib/routes/client/sendMessage').sendMessage,
  sendCommand: require('telegram-test-api/lib/routes/client/sendCommand').sendCommand,
  sendCallback: require('telegram-test-api/lib/routes/client/sendCallback').sendCallback,
  getUpdates: require('telegram-test-api/lib/routes/client/getUpdates').getUpdates,
  getUpdatesHistory: require('telegram-test-api/lib/routes/client/getUpdatesHistory').getUpdatesHistory,
};
const origBot = {
  deleteMessage: require('telegram-test-api/lib/routes/bot/deleteMessage').deleteMessage,
  getUpdates: require('telegram-test-api/lib/routes/bot/getUpdates').getUpdates,
  answerCallbackQuery: require('telegram-test-api/lib/routes/bot/answerCallbackQuery').answerCallbackQuery,
  getMe: require('telegram-test-api/lib/routes/bot/getMe').getMe,
  editMessageText: require('telegram-test-api/lib/routes/bot/editMessageText').editMessageText,
  editMessageReplyMarkup: require('telegram-test-api/lib/routes/bot/editMessageReplyMarkup').editMessageReplyMarkup,
  sendMessage: require('telegram-test-api/lib/routes/bot/sendMessage').sendMessage,
  setWebhook: require('telegram-test-api/lib/routes/bot/setWebhook').setWebhook,
  deleteWebhook: require('telegram-test-api/lib/routes/bot/deleteWebhook').deleteWebhook,
  unknownMethod: require('telegram-test-api/lib/routes/bot/unknownMethod').unknownMethod,
};

// ---------------------------------------------------------------------------
// command line
// ---------------------------------------------------------------------------
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      if (out.port === undefined && /^\d+$/.test(a)) out.port = a;
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) {
      out[a.slice(2, eq)] = a.slice(eq + 1);
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      out[a.slice(2)] = argv[++i];
    } else {
      out[a.slice(2)] = true;
    }
  }
  return out;
}
const args = parseArgs(process.argv.slice(2));
const PORT = Number(args.port !== undefined ? args.port : (process.env.TG_EMULATOR_PORT || 0));
const HOST = String(args.host || process.env.TG_EMULATOR_HOST || '127.0.0.1');
const STORE_TIMEOUT = Number(args['store-timeout'] || process.env.TG_EMULATOR_STORE_TIMEOUT || 3600);
const DEFAULT_BOT_USERNAME = String(args['bot-username'] || 'CivicTestBot');
const DEFAULT_BOT_FIRST_NAME = String(args['bot-first-name'] || 'Civic Test Bot');

const log = (...a) => { if (process.env.TG_EMULATOR_DEBUG) console.error('[tg-emulator]', ...a); };

// ---------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------
class ApiError extends Error {
  constructor(code, description, parameters) {
    super(description);
    this.code = code;
    this.description = description;
    this.parameters = parameters;
  }
}
const badRequest = (d) => new ApiError(400, `Bad Request: ${d}`);

const nowSec = () => Math.floor(Date.now() / 1000);
const nowTs = () => (performance.timeOrigin + performance.now()) / 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const clone = (o) => (o === undefined ? undefined : JSON.parse(JSON.stringify(o)));

function jsonish(v) {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if ((s.startsWith('{') && s.endsWith('}')) || (s.startsWith('[') && s.endsWith(']'))) {
    try { return JSON.parse(s); } catch (e) { throw badRequest(`can't parse JSON: ${e.message}`); }
  }
  return v;
}
function boolParam(v) {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  return ['true', '1', 'True'].includes(String(v));
}
function intParam(v, dflt) {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : dflt;
}
/** chat ids: numbers stay numbers, '@channel' stays a string */
function chatIdParam(v) {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : String(v);
}
function botIdFromToken(token) {
  const n = Number(String(token).split(':')[0]);
  return Number.isSafeInteger(n) && n > 0 ? n : 666;
}
function utf16len(s) { return s.length; } // JS strings are UTF-16 already

// ---------------------------------------------------------------------------
// multipart/form-data (PTB uploads files with it; express in 4.2 has no parser)
// ---------------------------------------------------------------------------
const MAX_BODY = 60 * 1024 * 1024;
function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) { reject(new ApiError(413, 'Request Entity Too Large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
function parseMultipart(buf, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) throw badRequest('multipart boundary missing');
  const boundary = Buffer.from(`--${m[1] || m[2]}`);
  const fields = {};
  const files = {};
  let pos = buf.indexOf(boundary);
  while (pos !== -1) {
    pos += boundary.length;
    if (buf[pos] === 0x2d && buf[pos + 1] === 0x2d) break; // closing "--"
    if (buf[pos] === 0x0d && buf[pos + 1] === 0x0a) pos += 2;
    const headerEnd = buf.indexOf('\r\n\r\n', pos);
    if (headerEnd === -1) break;
    const headers = buf.slice(pos, headerEnd).toString('utf8');
    const next = buf.indexOf(boundary, headerEnd + 4);
    if (next === -1) break;
    const data = buf.slice(headerEnd + 4, next - 2); // strip CRLF before boundary
    const disp = /content-disposition:([^\r\n]*)/i.exec(headers);
    const name = disp && /\bname="([^"]*)"/i.exec(disp[1]);
    const filename = disp && /\bfilename="([^"]*)"/i.exec(disp[1]);
    const ctype = /content-type:\s*([^\r\n]*)/i.exec(headers);
    if (name) {
      if (filename) {
        files[name[1]] = {
          filename: filename[1],
          contentType: ctype ? ctype[1].trim() : 'application/octet-stream',
          data,
        };
      } else {
        fields[name[1]] = data.toString('utf8');
      }
    }
    pos = next;
  }
  return { fields, files };
}

// ---------------------------------------------------------------------------
// parse_mode=HTML (Telegram validates it and answers 400 on bad markup)
// ---------------------------------------------------------------------------
const HTML_TAGS = {
  b: 'bold', strong: 'bold', i: 'italic', em: 'italic', u: 'underline', ins: 'underline',
  s: 'strikethrough', strike: 'strikethrough', del: 'strikethrough', 'tg-spoiler': 'spoiler',
  span: 'spoiler', a: 'text_link', code: 'code', pre: 'pre', blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};
const NAMED_ENTITIES = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntity(src, i) {
  // src[i] === '&'; returns [decoded, consumedLength] or null
  const semi = src.indexOf(';', i);
  if (semi === -1 || semi - i > 10) return null;
  const name = src.slice(i + 1, semi);
  if (name.startsWith('#')) {
    const cp = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    if (!Number.isFinite(cp) || cp < 0 || cp > 0x10ffff) return null;
    return [String.fromCodePoint(cp), semi - i + 1];
  }
  if (Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, name)) return [NAMED_ENTITIES[name], semi - i + 1];
  return null;
}
function parseHtml(src) {
  let out = '';
  const entities = [];
  const stack = [];
  const byteOff = (i) => Buffer.byteLength(src.slice(0, i), 'utf8');
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '&') {
      const d = decodeEntity(src, i);
      if (d) { out += d[0]; i += d[1]; } else { out += c; i += 1; }
      continue;
    }
    if (c !== '<') { out += c; i += 1; continue; }
    const close = src.indexOf('>', i);
    if (close === -1) throw badRequest(`can't parse entities: Unclosed start tag at byte offset ${byteOff(i)}`);
    const inner = src.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const top = stack.pop();
      if (!top || (name && top.tag !== name)) {
        throw badRequest(`can't parse entities: Unmatched end tag at byte offset ${byteOff(i)}, expected "</${top ? top.tag : ''}>", found "</${name}>"`);
      }
      const length = out.length - top.offset;
      if (length > 0 && top.entity) entities.push({ ...top.entity, offset: top.offset, length });
      i = close + 1;
      continue;
    }
    const tm = /^([a-zA-Z][a-zA-Z0-9-]*)([\s\S]*)$/.exec(inner);
    const tag = tm ? tm[1].toLowerCase() : '';
    if (!tm || !Object.prototype.hasOwnProperty.call(HTML_TAGS, tag)) {
      throw badRequest(`can't parse entities: Unsupported start tag "${tag}" at byte offset ${byteOff(i)}`);
    }
    const attrs = {};
    const attrRe = /([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))/g;
    let am;
    while ((am = attrRe.exec(tm[2])) !== null) attrs[am[1].toLowerCase()] = am[2] ?? am[3] ?? am[4];
    let entity = { type: HTML_TAGS[tag] };
    if (tag === 'span') {
      if (attrs.class !== 'tg-spoiler') {
        throw badRequest(`can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset ${byteOff(i)}`);
      }
    } else if (tag === 'a') {
      if (!attrs.href) entity = null; else entity.url = attrs.href;
    } else if (tag === 'code' && stack.length && stack[stack.length - 1].tag === 'pre' && attrs.class
      && attrs.class.startsWith('language-')) {
      stack[stack.length - 1].entity.language = attrs.class.slice('language-'.length);
      entity = null;
    } else if (tag === 'blockquote' && 'expandable' in attrs) {
      entity.type = 'expandable_blockquote';
    } else if (tag === 'blockquote' && /\bexpandable\b/.test(tm[2])) {
      entity.type = 'expandable_blockquote';
    } else if (tag === 'tg-emoji') {
      entity.custom_emoji_id = attrs['emoji-id'];
    }
    stack.push({ tag, offset: out.length, entity });
    i = close + 1;
  }
  if (stack.length) {
    throw badRequest(`can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1].tag}"`);
  }
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}
/**
 * MarkdownV2 is only checked for the most common mistake (an unescaped
 * reserved character outside of code) and passed through otherwise.
 */
function checkMarkdownV2(src) {
  // characters that must always be escaped outside of code and link URLs
  const neverMarkup = '#+-={}.!>';
  let inCode = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') { i += 1; continue; }
    if (c === '`') { inCode = !inCode; continue; }
    if (inCode) continue;
    if (c === ']' && src[i + 1] === '(') { // inline URL: only ')' and '\\' are special
      i += 2;
      while (i < src.length && src[i] !== ')') { if (src[i] === '\\') i += 1; i += 1; }
      continue;
    }
    if (neverMarkup.includes(c)) {
      if (c === '>' && (i === 0 || src[i - 1] === '\n' || (src[i - 1] === '*' && src[i - 2] === '*'))) continue; // block quote
      throw badRequest(`can't parse entities: Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
  }
  return { text: src.replace(/\\([\s\S])/g, '$1'), entities: [] };
}
function formatText(text, parseMode, explicitEntities) {
  if (explicitEntities) return { text, entities: explicitEntities };
  const mode = String(parseMode || '').toLowerCase();
  if (mode === 'html') return parseHtml(text);
  if (mode === 'markdownv2') return checkMarkdownV2(text);
  return { text, entities: [] };
}

// ---------------------------------------------------------------------------
// the patched server
// ---------------------------------------------------------------------------
class PatchedTelegramServer extends TelegramServer {
  constructor(config) {
    super(config);
    this.resetState();
  }

  resetState() {
    this.storage = { userMessages: [], botMessages: [] };
    this.messages = new Map(); // `${token}|${chatId}|${messageId}` -> Telegram Message object
    this.chats = new Map(); // String(chat_id) -> Chat
    this.identities = this.identities || new Map(); // token -> {username, first_name} (kept on reset)
    this.commands = new Map(); // token -> Map(`${scopeJson}|${lang}` -> {scope, language_code, commands})
    this.botProps = new Map(); // token -> {name:{}, description:{}, short_description:{}, menu_button}
    this.files = new Map(); // file_id -> {data, file_name, mime_type, file_unique_id, file_path, kind}
    this.callbacks = new Map(); // callback id -> {token, chat_id, message_id, data, answered, answer}
    this.faults = [];
    this.calls = [];
    this.callSeq = 0;
    this.blocked = new Set(); // `${token}|${chat_id}`
    this.rateLimit = null;
    this.rateWindows = new Map();
    this.chatActions = [];
    if (this.webhooks) {
      for (const token of Object.keys(this.webhooks)) this.deleteWebhook(token);
    }
    this.webhooks = {};
    this.webhookState = new Map(); // token -> {running, lastErrorDate, lastErrorMessage, deliveries: []}
    this.pollWaiters = this.pollWaiters || new Map();
    for (const [, w] of this.pollWaiters) w.finish([]);
    this.pollWaiters = new Map(); // token -> waiter
  }

  // --- identities / chats ---------------------------------------------------
  botUser(token) {
    const ident = this.identities.get(token) || {};
    return {
      id: botIdFromToken(token),
      is_bot: true,
      first_name: ident.first_name || DEFAULT_BOT_FIRST_NAME,
      username: ident.username || DEFAULT_BOT_USERNAME,
    };
  }

  chatFor(chatId) {
    const known = this.chats.get(String(chatId));
    if (known) return clone(known);
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      return { id: -1000000000000 - (Math.abs(hashCode(chatId)) % 1000000), title: chatId.slice(1), username: chatId.slice(1), type: 'channel' };
    }
    const id = Number(chatId);
    if (id > 0) return { id, type: 'private', first_name: 'User' };
    if (id < -1000000000000) return { id, type: 'supergroup', title: 'Group' };
    return { id, type: 'group', title: 'Group' };
  }

  msgKey(token, chatId, messageId) { return `${token}|${chatId}|${messageId}`; }

  findMessage(token, chatId, messageId) {
    const chat = this.chatFor(chatId);
    return this.messages.get(this.msgKey(token, chat.id, Number(messageId)));
  }

  // --- bot messages -----------------------------------------------------------
  /** stores a bot message; `fields` are the content fields (text, document, ...) */
  addBotMessageFull(token, chatId, fields, meta) {
    const chat = this.chatFor(chatId);
    const messageId = this.messageId++;
    const message = {
      message_id: messageId,
      from: this.botUser(token),
      chat,
      date: nowSec(),
      ...fields,
    };
    this.messages.set(this.msgKey(token, chat.id, messageId), message);
    const entry = {
      time: Date.now(),
      botToken: token,
      chatId: String(chat.id),
      message,
      updateId: 0,
      messageId,
      isRead: false,
      meta: { ...meta },
    };
    this.storage.botMessages.push(entry);
    this.emit('AddedBotMessage');
    return { entry, message };
  }

  // overridden for anybody using the original API from JS
  addBotMessage(rawMessage, botToken) {
    const msg = TelegramServer.normalizeMessage(rawMessage);
    return this.addBotMessageFull(botToken, chatIdParam(msg.chat_id), { text: msg.text }, {}).message;
  }

  // --- user updates -----------------------------------------------------------
  registerChat(chat) {
    if (chat && chat.id !== undefined) {
      const prev = this.chats.get(String(chat.id)) || {};
      this.chats.set(String(chat.id), { ...prev, ...chat });
    }
  }

  /** queues an update (object without update_id) for the bot; returns delivery info */
  async pushUpdate(token, updateBody) {
    const updateId = this.updateId++;
    const update = { update_id: updateId, ...updateBody };
    const entry = {
      time: Date.now(),
      botToken: token,
      updateId,
      messageId: updateBody.message ? updateBody.message.message_id : undefined,
      isRead: false,
      update,
    };
    this.storage.userMessages.push(entry);
    this.emit('AddedUserMessage');
    const waiter = this.pollWaiters.get(token);
    if (waiter) waiter.check();
    let webhook = null;
    if (this.webhooks[token]) webhook = await this.kickWebhook(token, entry);
    return { update_id: updateId, update, webhook };
  }

  // the original API calls these from the (replaced) client routes; keep them usable
  async addUserUpdate(update) {
    const { botToken } = update;
    if (!botToken) throw new Error('The message must contain `botToken` field.');
    if (update.callbackQuery) {
      return this.pushUpdate(botToken, { callback_query: update.callbackQuery });
    }
    return this.pushUpdate(botToken, { message: update.message });
  }

  static formatUpdate(update) {
    return update.update || TelegramServer.formatUpdate(update);
  }

  pendingUpdates(token) {
    return this.storage.userMessages
      .filter((u) => u.botToken === token)
      .sort((a, b) => a.updateId - b.updateId);
  }

  confirmUpdates(token, offset) {
    if (offset > 0) {
      this.storage.userMessages = this.storage.userMessages.filter((u) => u.botToken !== token || u.updateId >= offset);
    } else if (offset < 0) {
      const mine = this.pendingUpdates(token);
      const drop = new Set(mine.slice(0, Math.max(0, mine.length + offset)).map((u) => u.updateId));
      this.storage.userMessages = this.storage.userMessages.filter((u) => u.botToken !== token || !drop.has(u.updateId));
    }
  }

  dropPending(token) {
    this.storage.userMessages = this.storage.userMessages.filter((u) => u.botToken !== token);
  }

  cleanUp() {
    const limit = Date.now() - this.config.storeTimeout;
    this.storage.userMessages = this.storage.userMessages.filter((m) => m.time > limit);
    this.storage.botMessages = this.storage.botMessages.filter((m) => m.time > limit);
    for (const [k, m] of this.messages) if (m.date * 1000 <= limit) this.messages.delete(k);
    for (const [k, c] of this.callbacks) if (c.time <= limit) this.callbacks.delete(k);
    if (this.calls.length > 200000) this.calls.splice(0, this.calls.length - 200000);
  }

  // --- webhooks ---------------------------------------------------------------
  setWebhook(webhook, botToken) {
    this.webhooks[botToken] = webhook;
    if (!this.webhookState.has(botToken)) this.webhookState.set(botToken, { deliveries: [] });
    const waiter = this.pollWaiters.get(botToken);
    if (waiter) waiter.conflict("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    setImmediate(() => this.kickWebhook(botToken));
  }

  deleteWebhook(botToken) {
    delete this.webhooks[botToken];
    const st = this.webhookState && this.webhookState.get(botToken);
    if (st && st.waiters) {
      for (const w of st.waiters.values()) w({ delivered: false, error: 'webhook deleted', pending: true });
      st.waiters.clear();
    }
  }

  /** starts the delivery worker if needed; resolves with the first attempt of `entry` */
  kickWebhook(token, entry) {
    let st = this.webhookState.get(token);
    if (!st) { st = { deliveries: [] }; this.webhookState.set(token, st); }
    if (!st.waiters) st.waiters = new Map();
    let p = null;
    if (entry) {
      p = new Promise((resolve) => {
        st.waiters.set(entry.updateId, resolve);
        setTimeout(() => {
          if (st.waiters.get(entry.updateId) === resolve) {
            st.waiters.delete(entry.updateId);
            resolve({ delivered: false, pending: true, error: 'not delivered within 5 s' });
          }
        }, 5000);
      });
    }
    if (!st.running) {
      st.running = true;
      this.webhookWorker(token, st).catch((e) => {
        st.running = false;
        console.error('[tg-emulator] webhook worker', e);
      });
    }
    return p;
  }

  async webhookWorker(token, st) {
    for (;;) {
      const hook = this.webhooks[token];
      const head = hook && this.pendingUpdates(token)[0];
      if (!head) { st.running = false; return; }
      const started = Date.now();
      let status = 0;
      let error = null;
      try {
        status = await postJson(hook.url, head.update, hook.secret_token);
        if (status < 200 || status > 299) error = `Wrong response from the webhook: ${status}`;
      } catch (e) {
        error = `Connection failed: ${e.message}`;
      }
      const rec = { update_id: head.updateId, url: hook.url, status, error, ms: Date.now() - started, ts: nowTs() };
      st.deliveries.push(rec);
      if (st.deliveries.length > 10000) st.deliveries.shift();
      const resolve = st.waiters.get(head.updateId);
      st.waiters.delete(head.updateId);
      if (!error) {
        this.storage.userMessages = this.storage.userMessages.filter((u) => u !== head);
        if (resolve) resolve({ delivered: true, status });
      } else {
        st.lastErrorDate = nowSec();
        st.lastErrorMessage = error;
        if (resolve) resolve({ delivered: false, status, error, pending: true });
        await sleep(Number(hook.retry_ms || st.retryMs || 1000));
      }
    }
  }

  webhookInfo(token) {
    const hook = this.webhooks[token];
    const st = this.webhookState.get(token) || {};
    const info = {
      url: hook ? hook.url : '',
      has_custom_certificate: false,
      pending_update_count: this.pendingUpdates(token).length,
    };
    if (hook && hook.max_connections) info.max_connections = intParam(hook.max_connections, 40);
    if (hook && hook.allowed_updates) info.allowed_updates = jsonish(hook.allowed_updates);
    if (hook && hook.ip_address) info.ip_address = hook.ip_address;
    if (st.lastErrorDate) {
      info.last_error_date = st.lastErrorDate;
      info.last_error_message = st.lastErrorMessage;
    }
    return info;
  }
}

function hashCode(s) {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = ((h << 5) - h + s.charCodeAt(i)) | 0;
  return h;
}

function postJson(urlStr, body, secretToken) {
  return new Promise((resolve, reject) => {
    const url = new URL(urlStr);
    const data = Buffer.from(JSON.stringify(body));
    const headers = { 'Content-Type': 'application/json', 'Content-Length': data.length };
    if (secretToken) headers['X-Telegram-Bot-Api-Secret-Token'] = secretToken;
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'POST', headers, timeout: 10000, rejectUnauthorized: false,
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(data);
  });
}

// ---------------------------------------------------------------------------
// request plumbing
// ---------------------------------------------------------------------------
function sendApiError(res, err) {
  const code = err.code || 500;
  const body = { ok: false, error_code: code, description: err.description || String(err.message || err) };
  if (err.parameters) body.parameters = err.parameters;
  if (!res.headersSent) res.status(code).json(body);
}

/** wraps an async Bot API handler: (req, server, token) => result */
function botHandler(server, fn) {
  return (req, res) => {
    Promise.resolve()
      .then(() => fn(req, server, req.params.token, res))
      .then((result) => {
        if (result === NO_REPLY) return;
        if (!res.headersSent) res.status(200).json({ ok: true, result });
      })
      .catch((err) => {
        if (!(err instanceof ApiError)) console.error('[tg-emulator] handler error', err);
        sendApiError(res, err instanceof ApiError ? err : new ApiError(500, `Internal Server Error: ${err.message}`));
      });
  };
}
const NO_REPLY = Symbol('no-reply');

function botRoute(method, fn) {
  const route = (app, server) => app.all(`/bot:token/${method}`, allowGetPost, botHandler(server, fn));
  Object.defineProperty(route, 'name', { value: `patched_${method}` });
  return route;
}

function allowGetPost(req, res, next) {
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendApiError(res, new ApiError(405, `Method Not Allowed: HTTP method '${req.method}' is not supported`));
    return;
  }
  next();
}

/** body + query merged, file parts in req.files */
function P(req, name) {
  if (req.body && req.body[name] !== undefined) return req.body[name];
  if (req.query && req.query[name] !== undefined) return req.query[name];
  return undefined;
}
function requireChat(req) {
  const chatId = chatIdParam(P(req, 'chat_id'));
  if (chatId === undefined) throw badRequest('chat_id is empty');
  return chatId;
}

// the first route: multipart parsing, call log, fault injection and flood control
const preRoute = (app, server) => {
  app.all('/bot:token/:method', async (req, res, next) => {
    try {
      const ct = String(req.headers['content-type'] || '');
      if (ct.toLowerCase().startsWith('multipart/form-data') && !req._multipartParsed) {
        req._multipartParsed = true;
        const { fields, files } = parseMultipart(await readBody(req), ct);
        req.body = { ...(req.body || {}), ...fields };
        req.files = files;
      }
    } catch (err) {
      sendApiError(res, err instanceof ApiError ? err : badRequest(err.message));
      return;
    }
    const { token } = req.params;
    const method = req.params.method;
    const chatId = chatIdParam(P(req, 'chat_id'));
    const params = {};
    for (const [k, v] of Object.entries(req.body || {})) params[k] = v;
    for (const [k, v] of Object.entries(req.query || {})) if (params[k] === undefined) params[k] = v;
    for (const [k, f] of Object.entries(req.files || {})) params[k] = { filename: f.filename, size: f.data.length, content_type: f.contentType };
    const call = {
      seq: ++server.callSeq,
      ts: nowTs(),
      token,
      method,
      chat_id: chatId === undefined ? null : chatId,
      params,
      status: null,
      ok: null,
      fault: null,
    };
    server.calls.push(call);
    res.on('finish', () => {
      call.status = res.statusCode;
      call.ok = res.statusCode === 200;
    });

    // fault injection
    const fault = server.faults.find((f) => f.remaining !== 0
      && (f.method === '*' || f.method.toLowerCase() === method.toLowerCase())
      && (f.chat_id === null || String(f.chat_id) === String(chatId))
      && (f.token === null || f.token === token));
    if (fault) {
      if (fault.remaining > 0) fault.remaining -= 1;
      fault.hits += 1;
      call.fault = fault.kind;
      if (fault.delay_ms > 0) await sleep(fault.delay_ms);
      if (fault.kind === 'delay') { next(); return; }
      if (fault.kind === 'disconnect') { req.socket.destroy(); return; }
      sendApiError(res, faultError(fault));
      return;
    }

    // blocked chats (block_bot)
    if (chatId !== undefined && server.blocked.has(`${token}|${chatId}`) && /^(send|copy|forward)/i.test(method)) {
      call.fault = 'blocked';
      sendApiError(res, new ApiError(403, 'Forbidden: bot was blocked by the user'));
      return;
    }

    // optional flood control
    if (server.rateLimit && chatId !== undefined && /^(send|copy|forward|edit)/i.test(method)) {
      const wait = rateCheck(server, token, chatId);
      if (wait > 0) {
        call.fault = 'flood';
        sendApiError(res, new ApiError(429, `Too Many Requests: retry after ${wait}`, { retry_after: wait }));
        return;
      }
    }
    next();
  });
};

const FAULT_DESCRIPTIONS = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
function faultError(fault) {
  const code = Number(fault.kind);
  if (code === 429) {
    const ra = fault.retry_after;
    return new ApiError(429, fault.description || `Too Many Requests: retry after ${ra}`, { ...(fault.parameters || {}), retry_after: ra });
  }
  return new ApiError(code, fault.description || FAULT_DESCRIPTIONS[code] || `Error ${code}`, fault.parameters || undefined);
}

function rateCheck(server, token, chatId) {
  const rl = server.rateLimit;
  const now = Date.now();
  const check = (key, windowMs, limit) => {
    if (!limit) return 0;
    let w = server.rateWindows.get(key);
    if (!w) { w = []; server.rateWindows.set(key, w); }
    while (w.length && w[0] <= now - windowMs) w.shift();
    if (w.length >= limit) return Math.max(1, Math.ceil((w[0] + windowMs - now) / 1000));
    return -1; // ok, record later
  };
  const isGroup = Number(chatId) < 0 || typeof chatId === 'string';
  const checks = [
    [`${token}|global`, 1000, rl.global_per_second],
    [`${token}|chat|${chatId}`, 1000, rl.per_chat_per_second],
  ];
  if (isGroup) checks.push([`${token}|group|${chatId}`, 60000, rl.per_group_per_minute]);
  let wait = 0;
  for (const [key, win, limit] of checks) wait = Math.max(wait, check(key, win, limit));
  if (wait > 0) return wait;
  for (const [key, , limit] of checks) if (limit) server.rateWindows.get(key).push(now);
  return 0;
}

// ---------------------------------------------------------------------------
// Bot API methods
// ---------------------------------------------------------------------------
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

function parseReplyMarkup(req) {
  const rm = jsonish(P(req, 'reply_markup'));
  if (rm === undefined || rm === '') return undefined;
  if (typeof rm !== 'object') throw badRequest("can't parse reply keyboard markup JSON object");
  if (rm.inline_keyboard) {
    if (!Array.isArray(rm.inline_keyboard) || !rm.inline_keyboard.every(Array.isArray)) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const row of rm.inline_keyboard) {
      for (const b of row) {
        if (!b.text) throw badRequest('text buttons are unallowed in the inline keyboard');
        if (b.callback_data !== undefined && Buffer.byteLength(String(b.callback_data)) > 64) {
          throw badRequest('BUTTON_DATA_INVALID');
        }
      }
    }
  }
  return rm;
}

function replyTarget(req, server, token, chatId) {
  let replyTo = intParam(P(req, 'reply_to_message_id'), undefined);
  const rp = jsonish(P(req, 'reply_parameters'));
  let allowMissing = boolParam(P(req, 'allow_sending_without_reply'));
  if (rp && typeof rp === 'object') {
    replyTo = intParam(rp.message_id, replyTo);
    allowMissing = allowMissing || boolParam(rp.allow_sending_without_reply);
  }
  if (replyTo === undefined) return undefined;
  const target = server.findMessage(token, chatId, replyTo);
  if (!target) {
    if (allowMissing) return undefined;
    throw badRequest('message to be replied not found');
  }
  const copy = clone(target);
  delete copy.reply_to_message;
  return copy;
}

function textContent(req, field, limit, emptyMsg, tooLongMsg) {
  const raw = P(req, field);
  const entities = jsonish(P(req, field === 'text' ? 'entities' : 'caption_entities'));
  if (raw === undefined || raw === null || String(raw) === '') {
    if (emptyMsg) throw badRequest(emptyMsg);
    return null;
  }
  const parsed = formatText(String(raw), P(req, 'parse_mode'), Array.isArray(entities) ? entities : undefined);
  if (!parsed.text.trim()) {
    if (emptyMsg) throw badRequest(emptyMsg);
    return null;
  }
  if (parsed.text.length > limit) throw badRequest(tooLongMsg);
  return { raw: String(raw), ...parsed };
}

function apiMessage(message) {
  const m = clone(message);
  // Telegram only echoes inline keyboards
  if (m.reply_markup && !m.reply_markup.inline_keyboard) delete m.reply_markup;
  return m;
}

function sendMessageImpl(req, server, token) {
  const chatId = requireChat(req);
  const txt = textContent(req, 'text', TEXT_LIMIT, 'message text is empty', 'message is too long');
  const replyMarkup = parseReplyMarkup(req);
  const fields = { text: txt.text };
  if (txt.entities.length) fields.entities = txt.entities;
  const reply = replyTarget(req, server, token, chatId);
  if (reply) fields.reply_to_message = reply;
  const thread = intParam(P(req, 'message_thread_id'), undefined);
  if (thread !== undefined) fields.message_thread_id = thread;
  if (replyMarkup) fields.reply_markup = replyMarkup;
  const { message } = server.addBotMessageFull(token, chatId, fields, {
    raw_text: txt.raw,
    parse_mode: P(req, 'parse_mode') || null,
    disable_notification: boolParam(P(req, 'disable_notification')),
  });
  return apiMessage(message);
}

const MEDIA = {
  sendDocument: { field: 'document', ext: 'bin', mime: 'application/octet-stream', dir: 'documents' },
  sendPhoto: { field: 'photo', ext: 'jpg', mime: 'image/jpeg', dir: 'photos' },
  sendAudio: { field: 'audio', ext: 'mp3', mime: 'audio/mpeg', dir: 'music' },
  sendVoice: { field: 'voice', ext: 'ogg', mime: 'audio/ogg', dir: 'voice' },
  sendVideo: { field: 'video', ext: 'mp4', mime: 'video/mp4', dir: 'videos' },
  sendAnimation: { field: 'animation', ext: 'mp4', mime: 'video/mp4', dir: 'animations' },
  sendSticker: { field: 'sticker', ext: 'webp', mime: 'image/webp', dir: 'stickers' },
};

function storeFile(server, kind, data, fileName, mimeType) {
  const n = server.files.size + 1;
  const uniq = crypto.randomBytes(8).toString('hex');
  const fileId = `EMU${kind.toUpperCase()}_${n}_${uniq}`;
  const ext = (fileName && fileName.includes('.')) ? fileName.split('.').pop() : MEDIA_BY_FIELD[kind].ext;
  const rec = {
    file_id: fileId,
    file_unique_id: `U${uniq}`,
    data,
    file_name: fileName,
    mime_type: mimeType,
    file_size: data ? data.length : undefined,
    file_path: `${MEDIA_BY_FIELD[kind].dir}/file_${n}.${ext}`,
    kind,
  };
  server.files.set(fileId, rec);
  return rec;
}
const MEDIA_BY_FIELD = Object.fromEntries(Object.values(MEDIA).map((m) => [m.field, m]));

function mediaObject(kind, rec) {
  const base = { file_id: rec.file_id, file_unique_id: rec.file_unique_id };
  if (rec.file_size !== undefined) base.file_size = rec.file_size;
  if (kind === 'photo') return [{ ...base, width: 320, height: 240 }];
  if (kind === 'sticker') return { ...base, width: 512, height: 512, type: 'regular', is_animated: false, is_video: false };
  if (kind === 'video' || kind === 'animation') return { ...base, width: 320, height: 240, duration: 1, file_name: rec.file_name, mime_type: rec.mime_type };
  if (kind === 'voice') return { ...base, duration: 1, mime_type: rec.mime_type };
  if (kind === 'audio') return { ...base, duration: 1, file_name: rec.file_name, mime_type: rec.mime_type };
  const doc = { ...base };
  if (rec.file_name) doc.file_name = rec.file_name;
  if (rec.mime_type) doc.mime_type = rec.mime_type;
  return doc;
}

function sendMediaImpl(apiMethod) {
  const spec = MEDIA[apiMethod];
  return (req, server, token) => {
    const chatId = requireChat(req);
    const kind = spec.field;
    const upload = req.files && req.files[kind];
    let rec;
    if (upload) {
      rec = storeFile(server, kind, upload.data, upload.filename || undefined, upload.contentType || spec.mime);
    } else {
      const v = P(req, kind);
      if (v === undefined || v === '') throw badRequest(`there is no ${kind} in the request`);
      const s = String(v);
      if (s.startsWith('attach://')) {
        const att = req.files && req.files[s.slice('attach://'.length)];
        if (!att) throw badRequest(`file attach ${s} not found`);
        rec = storeFile(server, kind, att.data, att.filename, att.contentType || spec.mime);
      } else if (/^https?:\/\//i.test(s)) {
        const name = decodeURIComponent(new URL(s).pathname.split('/').pop() || `file.${spec.ext}`);
        rec = storeFile(server, kind, null, name, spec.mime);
        rec.url = s;
      } else if (server.files.has(s)) {
        rec = server.files.get(s);
      } else {
        throw badRequest('wrong file identifier/HTTP URL specified');
      }
    }
    const fields = { [kind]: mediaObject(kind, rec) };
    const cap = textContent(req, 'caption', CAPTION_LIMIT, null, 'message caption is too long');
    if (cap) {
      fields.caption = cap.text;
      if (cap.entities.length) fields.caption_entities = cap.entities;
    }
    const reply = replyTarget(req, server, token, chatId);
    if (reply) fields.reply_to_message = reply;
    const rm = parseReplyMarkup(req);
    if (rm) fields.reply_markup = rm;
    const { message } = server.addBotMessageFull(token, chatId, fields, {
      raw_caption: cap ? cap.raw : null,
      parse_mode: P(req, 'parse_mode') || null,
    });
    return apiMessage(message);
  };
}

function findEditable(req, server, token) {
  if (P(req, 'inline_message_id') !== undefined) return { inline: true };
  const chatId = requireChat(req);
  const messageId = intParam(P(req, 'message_id'), undefined);
  if (messageId === undefined) throw badRequest('message identifier is not specified');
  const message = server.findMessage(token, chatId, messageId);
  if (!message) throw badRequest('message to edit not found');
  if (!message.from || message.from.id !== botIdFromToken(token)) throw badRequest("message can't be edited");
  return { message, entry: server.storage.botMessages.find((e) => e.message === message) };
}

function applyEdit(server, target, changes, metaChanges) {
  const { message, entry } = target;
  const before = JSON.stringify([message.text, message.entities, message.caption, message.caption_entities, message.reply_markup]);
  const next = { ...message, ...changes };
  for (const k of Object.keys(changes)) if (changes[k] === undefined) delete next[k];
  const after = JSON.stringify([next.text, next.entities, next.caption, next.caption_entities, next.reply_markup]);
  if (before === after) {
    throw badRequest('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
  }
  for (const k of Object.keys(message)) delete message[k];
  Object.assign(message, next, { edit_date: nowSec() });
  if (entry) {
    Object.assign(entry.meta, metaChanges || {});
    entry.meta.edits = (entry.meta.edits || 0) + 1;
  }
  server.emit('EditedMessageText');
  return apiMessage(message);
}

const methods = {
  getMe: (req, server, token) => ({
    ...server.botUser(token),
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),

  logOut: () => true,
  close: () => true,

  getUpdates: (req, server, token, res) => {
    if (server.webhooks[token]) {
      throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    const offset = intParam(P(req, 'offset'), 0);
    const limit = Math.min(100, Math.max(1, intParam(P(req, 'limit'), 100)));
    const timeout = Math.max(0, Number(P(req, 'timeout') || 0));
    server.confirmUpdates(token, offset);
    const take = () => server.pendingUpdates(token).slice(0, limit).map((e) => { e.isRead = true; return e.update; });
    const now = take();
    const old = server.pollWaiters.get(token);
    if (old) old.conflict('Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    if (now.length || timeout <= 0) return now;
    // long polling
    const waiter = {
      done: false,
      finish(result) {
        if (waiter.done) return;
        waiter.done = true;
        clearTimeout(waiter.timer);
        if (server.pollWaiters.get(token) === waiter) server.pollWaiters.delete(token);
        if (!res.headersSent && !res.writableEnded) res.status(200).json({ ok: true, result });
      },
      conflict(description) {
        if (waiter.done) return;
        waiter.done = true;
        clearTimeout(waiter.timer);
        if (server.pollWaiters.get(token) === waiter) server.pollWaiters.delete(token);
        sendApiError(res, new ApiError(409, description));
      },
      check() {
        const r = take();
        if (r.length) waiter.finish(r);
      },
    };
    waiter.timer = setTimeout(() => waiter.finish([]), Math.min(timeout, 50) * 1000);
    res.on('close', () => {
      if (!waiter.done) {
        waiter.done = true;
        clearTimeout(waiter.timer);
        if (server.pollWaiters.get(token) === waiter) server.pollWaiters.delete(token);
      }
    });
    server.pollWaiters.set(token, waiter);
    return NO_REPLY;
  },

  setWebhook: (req, server, token) => {
    const url = P(req, 'url');
    const drop = boolParam(P(req, 'drop_pending_updates'));
    if (drop) server.dropPending(token);
    if (!url) {
      server.deleteWebhook(token);
      return true;
    }
    const secret = P(req, 'secret_token');
    if (secret !== undefined && secret !== '' && !/^[A-Za-z0-9_-]{1,256}$/.test(String(secret))) {
      throw badRequest('secret token contains unallowed characters');
    }
    try { new URL(String(url)); } catch (e) { throw badRequest('invalid webhook URL specified'); }
    server.setWebhook({
      url: String(url),
      secret_token: secret ? String(secret) : undefined,
      max_connections: P(req, 'max_connections'),
      allowed_updates: P(req, 'allowed_updates'),
      ip_address: P(req, 'ip_address'),
    }, token);
    return true;
  },

  deleteWebhook: (req, server, token) => {
    if (boolParam(P(req, 'drop_pending_updates'))) server.dropPending(token);
    server.deleteWebhook(token);
    return true;
  },

  getWebhookInfo: (req, server, token) => server.webhookInfo(token),

  sendMessage: sendMessageImpl,
  ...Object.fromEntries(Object.keys(MEDIA).map((m) => [m, sendMediaImpl(m)])),

  sendChatAction: (req, server, token) => {
    const chatId = requireChat(req);
    const action = P(req, 'action');
    if (!action) throw badRequest('action is empty');
    server.chatActions.push({ token, chat_id: chatId, action, ts: nowTs() });
    return true;
  },

  editMessageText: (req, server, token) => {
    const target = findEditable(req, server, token);
    if (target.inline) return true;
    if (target.message.text === undefined) throw badRequest('there is no text in the message to edit');
    const txt = textContent(req, 'text', TEXT_LIMIT, 'message text is empty', 'MESSAGE_TOO_LONG');
    const rm = parseReplyMarkup(req);
    return applyEdit(server, target, {
      text: txt.text,
      entities: txt.entities.length ? txt.entities : undefined,
      reply_markup: rm && rm.inline_keyboard ? rm : undefined,
    }, { raw_text: txt.raw, parse_mode: P(req, 'parse_mode') || null });
  },

  editMessageCaption: (req, server, token) => {
    const target = findEditable(req, server, token);
    if (target.inline) return true;
    const cap = textContent(req, 'caption', CAPTION_LIMIT, null, 'message caption is too long');
    const rm = parseReplyMarkup(req);
    return applyEdit(server, target, {
      caption: cap ? cap.text : undefined,
      caption_entities: cap && cap.entities.length ? cap.entities : undefined,
      reply_markup: rm && rm.inline_keyboard ? rm : undefined,
    }, { raw_caption: cap ? cap.raw : null, parse_mode: P(req, 'parse_mode') || null });
  },

  editMessageReplyMarkup: (req, server, token) => {
    const target = findEditable(req, server, token);
    if (target.inline) return true;
    const rm = parseReplyMarkup(req);
    return applyEdit(server, target, { reply_markup: rm && rm.inline_keyboard ? rm : undefined });
  },

  deleteMessage: (req, server, token) => {
    const chatId = requireChat(req);
    const messageId = intParam(P(req, 'message_id'), undefined);
    if (messageId === undefined) throw badRequest('message identifier is not specified');
    if (!deleteOne(server, token, chatId, messageId)) throw badRequest('message to delete not found');
    return true;
  },

  deleteMessages: (req, server, token) => {
    const chatId = requireChat(req);
    const ids = jsonish(P(req, 'message_ids'));
    if (!Array.isArray(ids) || !ids.length) throw badRequest('message identifiers are not specified');
    let any = false;
    for (const id of ids) any = deleteOne(server, token, chatId, Number(id)) || any;
    if (!any) throw badRequest('message to delete not found');
    return true;
  },

  answerCallbackQuery: (req, server, token) => {
    const id = String(P(req, 'callback_query_id') || '');
    const cq = server.callbacks.get(id);
    if (!cq || cq.token !== token || cq.answered) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const text = P(req, 'text');
    if (text !== undefined && String(text).length > 200) throw badRequest('MESSAGE_TOO_LONG');
    cq.answered = true;
    cq.answer = {
      text: text === undefined ? null : String(text),
      show_alert: boolParam(P(req, 'show_alert')),
      url: P(req, 'url') || null,
      cache_time: intParam(P(req, 'cache_time'), 0),
      ts: nowTs(),
    };
    return true;
  },

  setMyCommands: (req, server, token) => {
    const commands = jsonish(P(req, 'commands'));
    if (!Array.isArray(commands)) throw badRequest('field "commands" must be an Array');
    if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
    for (const c of commands) {
      if (!c || !/^[a-z0-9_]{1,32}$/.test(String(c.command))) throw badRequest('BOT_COMMAND_INVALID');
      const d = String(c.description || '');
      if (d.length < 1 || d.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    const scope = jsonish(P(req, 'scope')) || { type: 'default' };
    const lang = String(P(req, 'language_code') || '');
    if (lang && !/^[a-z]{2}$/.test(lang)) throw badRequest('LANG_CODE_INVALID');
    const key = `${JSON.stringify(scope)}|${lang}`;
    if (!server.commands.has(token)) server.commands.set(token, new Map());
    if (commands.length) {
      server.commands.get(token).set(key, {
        scope, language_code: lang, commands: commands.map((c) => ({ command: String(c.command), description: String(c.description) })),
      });
    } else {
      server.commands.get(token).delete(key);
    }
    return true;
  },

  getMyCommands: (req, server, token) => {
    const scope = jsonish(P(req, 'scope')) || { type: 'default' };
    const lang = String(P(req, 'language_code') || '');
    const rec = server.commands.has(token) && server.commands.get(token).get(`${JSON.stringify(scope)}|${lang}`);
    return rec ? clone(rec.commands) : [];
  },

  deleteMyCommands: (req, server, token) => {
    const scope = jsonish(P(req, 'scope')) || { type: 'default' };
    const lang = String(P(req, 'language_code') || '');
    if (server.commands.has(token)) server.commands.get(token).delete(`${JSON.stringify(scope)}|${lang}`);
    return true;
  },

  setMyName: botPropSetter('name'),
  getMyName: botPropGetter('name'),
  setMyDescription: botPropSetter('description'),
  getMyDescription: botPropGetter('description'),
  setMyShortDescription: botPropSetter('short_description'),
  getMyShortDescription: botPropGetter('short_description'),

  setChatMenuButton: (req, server, token) => {
    const mb = jsonish(P(req, 'menu_button')) || { type: 'default' };
    botProps(server, token).menu_button = mb;
    return true;
  },
  getChatMenuButton: (req, server, token) => botProps(server, token).menu_button || { type: 'commands' },

  getFile: (req, server) => {
    const rec = server.files.get(String(P(req, 'file_id') || ''));
    if (!rec) throw badRequest('invalid file_id');
    const out = { file_id: rec.file_id, file_unique_id: rec.file_unique_id, file_path: rec.file_path };
    if (rec.file_size !== undefined) out.file_size = rec.file_size;
    return out;
  },

  pinChatMessage: (req) => { requireChat(req); return true; },
  unpinChatMessage: (req) => { requireChat(req); return true; },
  unpinAllChatMessages: (req) => { requireChat(req); return true; },
  setMessageReaction: (req) => { requireChat(req); return true; },
  leaveChat: (req) => { requireChat(req); return true; },
};

function botProps(server, token) {
  if (!server.botProps.has(token)) server.botProps.set(token, { name: {}, description: {}, short_description: {} });
  return server.botProps.get(token);
}
function botPropSetter(prop) {
  return (req, server, token) => {
    botProps(server, token)[prop][String(P(req, 'language_code') || '')] = String(P(req, prop) || '');
    return true;
  };
}
function botPropGetter(prop) {
  return (req, server, token) => {
    const vals = botProps(server, token)[prop];
    const lang = String(P(req, 'language_code') || '');
    let v = vals[lang] !== undefined ? vals[lang] : vals[''];
    if (v === undefined && prop === 'name') v = server.botUser(token).first_name;
    return { [prop]: v || '' };
  };
}

function deleteOne(server, token, chatId, messageId) {
  const message = server.findMessage(token, chatId, messageId);
  if (!message) return false;
  server.messages.delete(server.msgKey(token, message.chat.id, messageId));
  server.storage.botMessages = server.storage.botMessages.filter((e) => e.message !== message);
  return true;
}

// ---------------------------------------------------------------------------
// user side ("client") routes: the original paths, but awaited and caught
// ---------------------------------------------------------------------------
function clientHandler(server, fn) {
  return (req, res) => {
    Promise.resolve()
      .then(() => fn(req.body || {}, server, req))
      .then((result) => res.status(200).json({ ok: true, result }))
      .catch((err) => {
        if (!(err instanceof ApiError)) console.error('[tg-emulator] client route error', err);
        sendApiError(res, err instanceof ApiError ? err : new ApiError(500, String(err.message || err)));
      });
  };
}

function requireToken(body) {
  const token = body.botToken || body.token;
  if (!token) throw badRequest('botToken is required');
  return String(token);
}

/** body: {botToken, message: {...}} or a flat message with botToken (original client shape) */
async function userMessage(body, server) {
  const token = requireToken(body);
  const src = body.message ? { ...body.message } : { ...body };
  delete src.botToken;
  delete src.token;
  if (!src.chat || src.chat.id === undefined) throw badRequest('message.chat.id is required');
  if (!src.from || src.from.id === undefined) throw badRequest('message.from.id is required');
  if (src.from.is_bot === undefined) src.from.is_bot = false;
  if (!src.chat.type) src.chat.type = Number(src.chat.id) > 0 ? 'private' : 'group';
  server.registerChat(src.chat);
  const replyTo = src.reply_to_message_id !== undefined ? src.reply_to_message_id : body.reply_to_message_id;
  delete src.reply_to_message_id;
  if (replyTo !== undefined && replyTo !== null) {
    const target = server.findMessage(token, src.chat.id, replyTo);
    if (!target) throw badRequest(`message ${replyTo} to reply to not found in chat ${src.chat.id}`);
    const copy = clone(target);
    delete copy.reply_to_message;
    src.reply_to_message = copy;
  }
  const messageId = server.messageId++;
  const message = { message_id: messageId, ...src, date: nowSec() };
  if (typeof src.date === 'number' && src.date < 1e11) message.date = src.date;
  message.message_id = messageId;
  server.messages.set(server.msgKey(token, message.chat.id, messageId), message);
  const r = await server.pushUpdate(token, { message });
  return { update_id: r.update_id, message_id: messageId, update: r.update, webhook: r.webhook };
}

/**
 * body: {botToken, from, chat_id | message: {chat: {id}}, message_id?, data, strict?}
 * (also accepts the original TelegramClient.makeCallbackQuery() shape)
 */
async function userCallback(body, server) {
  const token = requireToken(body);
  const from = { is_bot: false, ...(body.from || {}) };
  if (from.id === undefined) throw badRequest('from.id is required');
  const chatId = body.chat_id !== undefined ? body.chat_id
    : (body.message && body.message.chat ? body.message.chat.id : undefined);
  if (chatId === undefined) throw badRequest('chat_id is required');
  const data = body.data === undefined ? undefined : String(body.data);
  const strict = body.strict === undefined ? true : boolParam(body.strict);
  let messageId = body.message_id !== undefined ? body.message_id
    : (body.message && body.message.message_id !== undefined ? body.message.message_id : undefined);
  const hasButton = (m) => m && m.reply_markup && Array.isArray(m.reply_markup.inline_keyboard)
    && m.reply_markup.inline_keyboard.some((row) => row.some((b) => b.callback_data === data));
  let message;
  if (messageId === undefined) {
    const chat = server.chatFor(chatId);
    const candidates = server.storage.botMessages
      .filter((e) => e.botToken === token && e.chatId === String(chat.id) && hasButton(e.message));
    if (!candidates.length) throw badRequest(`no bot message with a button "${data}" in chat ${chatId}`);
    message = candidates[candidates.length - 1].message;
    messageId = message.message_id;
  } else {
    message = server.findMessage(token, chatId, messageId);
    if (!message) throw badRequest(`message ${messageId} not found in chat ${chatId}`);
    if (strict && !hasButton(message)) {
      throw badRequest(`message ${messageId} has no inline button with callback_data "${data}"`);
    }
  }
  const id = String(BigInt(botIdFromToken(token)) * 1000000n + BigInt(server.callbackId++));
  const callbackQuery = {
    id,
    from,
    message: apiMessage(message),
    chat_instance: String(Math.abs(hashCode(`${token}|${message.chat.id}`)) + 1000000000),
  };
  if (data !== undefined) callbackQuery.data = data;
  server.callbacks.set(id, {
    token, chat_id: message.chat.id, message_id: messageId, data, answered: false, answer: null, time: Date.now(),
  });
  const r = await server.pushUpdate(token, { callback_query: callbackQuery });
  return { update_id: r.update_id, callback_query_id: id, update: r.update, webhook: r.webhook };
}

const clientRoutes = {
  sendMessage: (app, server) => app.post('/sendMessage', clientHandler(server, userMessage)),
  sendCommand: (app, server) => app.post('/sendCommand', clientHandler(server, userMessage)),
  sendCallback: (app, server) => app.post('/sendCallback', clientHandler(server, userCallback)),
  // original semantics: unread bot messages of one chat, marked read
  getUpdates: (app, server) => app.post('/getUpdates', clientHandler(server, (body) => {
    const token = requireToken(body);
    const chatId = String(body.chatId !== undefined ? body.chatId : body.chat_id);
    const out = server.storage.botMessages.filter((e) => e.botToken === token && e.chatId === chatId && !e.isRead);
    out.forEach((e) => { e.isRead = true; });
    return out.map((e) => ({ ...e, message: { ...e.message, chat_id: e.chatId } }));
  })),
  getUpdatesHistory: (app, server) => app.post('/getUpdatesHistory', clientHandler(server, (body) => {
    const token = requireToken(body);
    return [
      ...server.storage.botMessages.filter((e) => e.botToken === token),
      ...server.storage.userMessages.filter((e) => e.botToken === token),
    ].sort((a, b) => a.time - b.time);
  })),
};

// ---------------------------------------------------------------------------
// /control endpoints for tests
// ---------------------------------------------------------------------------
function controlView(entry) {
  const m = entry.message;
  return {
    message_id: m.message_id,
    chat_id: m.chat.id,
    date: m.date,
    edit_date: m.edit_date || null,
    text: m.text !== undefined ? m.text : null,
    caption: m.caption !== undefined ? m.caption : null,
    entities: m.entities || m.caption_entities || [],
    parse_mode: entry.meta.parse_mode || null,
    raw_text: entry.meta.raw_text !== undefined ? entry.meta.raw_text : (entry.meta.raw_caption || null),
    reply_markup: m.reply_markup || null,
    reply_to_message_id: m.reply_to_message ? m.reply_to_message.message_id : null,
    document: m.document || null,
    photo: m.photo || null,
    audio: m.audio || null,
    voice: m.voice || null,
    video: m.video || null,
    animation: m.animation || null,
    sticker: m.sticker || null,
    edits: entry.meta.edits || 0,
    message: apiMessage(m),
  };
}

const controlRoutes = (app, server) => {
  const ctl = (method, path, fn) => app[method](`/control/${path}`, clientHandler(server, (body, srv, req) => fn(req, body)));
  const q = (req, name) => (req.query[name] !== undefined ? req.query[name] : (req.body || {})[name]);

  ctl('get', 'health', () => ({ port: server.config.port }));

  ctl('post', 'reset', () => { server.resetState(); return true; });

  ctl('post', 'bot', (req, body) => {
    const token = requireToken(body);
    const cur = server.identities.get(token) || {};
    server.identities.set(token, {
      username: body.username || cur.username,
      first_name: body.first_name || cur.first_name,
    });
    return server.botUser(token);
  });

  ctl('post', 'faults', (req, body) => {
    const list = Array.isArray(body) ? body : (Array.isArray(body.faults) ? body.faults : [body]);
    const added = list.map((f) => {
      if (!f.method) throw badRequest('fault needs "method" ("*" for any)');
      const kind = String(f.kind || '429').toLowerCase();
      if (!['delay', 'disconnect'].includes(kind) && !/^[1-5]\d\d$/.test(kind)) {
        throw badRequest('fault kind must be an HTTP error code (429, 403, 500, ...), "delay" or "disconnect"');
      }
      const times = f.times === undefined || f.times === null ? 1 : Number(f.times);
      const fault = {
        id: crypto.randomBytes(4).toString('hex'),
        method: String(f.method),
        chat_id: f.chat_id === undefined || f.chat_id === null ? null : chatIdParam(f.chat_id),
        token: f.token || null,
        kind,
        retry_after: f.retry_after === undefined ? 1 : Number(f.retry_after),
        description: f.description || null,
        parameters: f.parameters || null,
        delay_ms: Number(f.delay_ms || 0),
        remaining: times < 0 ? -1 : times,
        hits: 0,
      };
      server.faults.push(fault);
      return fault;
    });
    return Array.isArray(body) || body.faults ? added : added[0];
  });
  ctl('get', 'faults', () => server.faults);
  ctl('delete', 'faults', () => { server.faults = []; return true; });

  ctl('post', 'ratelimit', (req, body) => {
    server.rateLimit = body && Object.keys(body).length ? {
      global_per_second: body.global_per_second || 0,
      per_chat_per_second: body.per_chat_per_second || 0,
      per_group_per_minute: body.per_group_per_minute || 0,
    } : null;
    server.rateWindows = new Map();
    return server.rateLimit;
  });

  // a file a user is about to send (the document object to put into send_message)
  ctl('post', 'userFile', (req, body) => {
    requireToken(body);
    const data = Buffer.from(String(body.data || ''), 'base64');
    const rec = storeFile(server, 'document', data, body.file_name || undefined, body.mime_type || 'application/octet-stream');
    if (body.file_size !== undefined) rec.file_size = Number(body.file_size); // a size declared
    return mediaObject('document', rec);
  });

  ctl('post', 'block', (req, body) => {
    const token = requireToken(body);
    const chatId = chatIdParam(body.chat_id);
    if (chatId === undefined) throw badRequest('chat_id is required');
    const key = `${token}|${chatId}`;
    const blocked = body.blocked === undefined ? true : boolParam(body.blocked);
    if (blocked) server.blocked.add(key); else server.blocked.delete(key);
    const result = { blocked };
    if (body.emit_update !== false) {
      const chat = server.chatFor(chatId);
      const user = { id: Number(chatId), is_bot: false, first_name: chat.first_name || 'User', ...(body.from || {}) };
      const bot = server.botUser(token);
      const r = server.pushUpdate(token, {
        my_chat_member: {
          chat,
          from: user,
          date: nowSec(),
          old_chat_member: blocked ? { user: bot, status: 'member' } : { user: bot, status: 'kicked', until_date: 0 },
          new_chat_member: blocked ? { user: bot, status: 'kicked', until_date: 0 } : { user: bot, status: 'member' },
        },
      });
      return r.then((x) => ({ ...result, update_id: x.update_id, webhook: x.webhook }));
    }
    return result;
  });

  ctl('get', 'calls', (req) => {
    let out = server.calls;
    const method = q(req, 'method');
    const chatId = q(req, 'chat_id');
    const token = q(req, 'token');
    const since = intParam(q(req, 'since'), 0);
    if (since) out = out.filter((c) => c.seq > since);
    if (method) out = out.filter((c) => c.method.toLowerCase() === String(method).toLowerCase());
    if (chatId !== undefined) out = out.filter((c) => String(c.chat_id) === String(chatId));
    if (token) out = out.filter((c) => c.token === token);
    if (boolParam(q(req, 'brief'))) out = out.map(({ params, ...rest }) => rest);
    return out;
  });

  ctl('get', 'stats', (req) => {
    const token = q(req, 'token');
    const stats = {};
    for (const c of server.calls) {
      if (token && c.token !== token) continue;
      const s = stats[c.method] || (stats[c.method] = { count: 0, ok: 0, errors: 0, first_ts: c.ts, last_ts: c.ts });
      s.count += 1;
      if (c.ok) s.ok += 1; else if (c.ok === false) s.errors += 1;
      s.last_ts = c.ts;
    }
    return stats;
  });

  ctl('get', 'botMessages', (req) => {
    const token = q(req, 'token');
    const chatId = q(req, 'chat_id');
    const after = intParam(q(req, 'after'), 0);
    return server.storage.botMessages
      .filter((e) => (!token || e.botToken === token)
        && (chatId === undefined || e.chatId === String(server.chatFor(chatIdParam(chatId)).id))
        && e.messageId > after)
      .sort((a, b) => a.messageId - b.messageId)
      .map(controlView);
  });

  ctl('get', 'pendingUpdates', (req) => server.pendingUpdates(q(req, 'token')).map((e) => e.update));

  ctl('get', 'commands', (req) => {
    const token = q(req, 'token');
    const m = server.commands.get(token);
    return m ? Array.from(m.values()) : [];
  });

  ctl('get', 'callbackAnswers', (req) => {
    const token = q(req, 'token');
    const id = q(req, 'id');
    const out = [];
    for (const [cid, c] of server.callbacks) {
      if ((token && c.token !== token) || (id && cid !== String(id))) continue;
      out.push({ id: cid, chat_id: c.chat_id, message_id: c.message_id, data: c.data, answered: c.answered, answer: c.answer });
    }
    return out;
  });

  ctl('get', 'chatActions', (req) => {
    const token = q(req, 'token');
    return server.chatActions.filter((a) => !token || a.token === token);
  });

  ctl('get', 'webhook', (req) => {
    const token = q(req, 'token');
    const st = server.webhookState.get(token) || { deliveries: [] };
    const hook = server.webhooks[token];
    return {
      ...server.webhookInfo(token),
      secret_token_set: !!(hook && hook.secret_token),
      deliveries: st.deliveries,
    };
  });
  ctl('post', 'webhook', (req, body) => {
    // set or change the webhook from the test side (same as setWebhook), and retry delay
    const token = requireToken(body);
    if (body.retry_ms !== undefined) {
      if (!server.webhookState.has(token)) server.webhookState.set(token, { deliveries: [] });
      server.webhookState.get(token).retryMs = Number(body.retry_ms);
    }
    if (body.url === '' || body.url === null) server.deleteWebhook(token);
    else if (body.url) server.setWebhook({ url: String(body.url), secret_token: body.secret_token || undefined }, token);
    return server.webhookInfo(token);
  });

  // file contents (also served Telegram-style at /file/bot<token>/<file_path>)
  app.get('/control/files/:fileId', (req, res) => {
    const rec = server.files.get(req.params.fileId);
    if (!rec || !rec.data) { sendApiError(res, new ApiError(404, 'Not Found: file')); return; }
    res.type(rec.mime_type || 'application/octet-stream').send(rec.data);
  });
  app.get('/file/bot:token/*', (req, res) => {
    const path = req.params[0];
    const rec = Array.from(server.files.values()).find((f) => f.file_path === path);
    if (!rec || !rec.data) { res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' }); return; }
    res.type(rec.mime_type || 'application/octet-stream').send(rec.data);
  });
};

// unknown methods: Telegram answers 404 "Not Found"
const unknownMethodRoute = (app, server) => {
  app.all('/bot:token/:method', (req, res) => {
    const call = server.calls[server.calls.length - 1];
    if (call && call.method === req.params.method) call.unsupported = true;
    console.error(`[tg-emulator] unsupported Bot API method ${req.params.method}`);
    sendApiError(res, new ApiError(404, `Not Found: method ${req.params.method} is not implemented by the emulator`));
  });
};

// ---------------------------------------------------------------------------
// patch the route table entry by entry
// ---------------------------------------------------------------------------
function patchRoutes() {
  const routes = routeIndex.routes;
  const replacement = new Map([
    [origClient.sendMessage, clientRoutes.sendMessage],
    [origClient.sendCommand, clientRoutes.sendCommand],
    [origClient.sendCallback, clientRoutes.sendCallback],
    [origClient.getUpdates, clientRoutes.getUpdates],
    [origClient.getUpdatesHistory, clientRoutes.getUpdatesHistory],
    [origBot.deleteMessage, botRoute('deleteMessage', methods.deleteMessage)],
    [origBot.getUpdates, botRoute('getUpdates', methods.getUpdates)],
    [origBot.answerCallbackQuery, botRoute('answerCallbackQuery', methods.answerCallbackQuery)],
    [origBot.getMe, botRoute('getMe', methods.getMe)],
    [origBot.editMessageText, botRoute('editMessageText', methods.editMessageText)],
    [origBot.editMessageReplyMarkup, botRoute('editMessageReplyMarkup', methods.editMessageReplyMarkup)],
    [origBot.sendMessage, botRoute('sendMessage', methods.sendMessage)],
    [origBot.setWebhook, botRoute('setWebhook', methods.setWebhook)],
    [origBot.deleteWebhook, botRoute('deleteWebhook', methods.deleteWebhook)],
    [origBot.unknownMethod, null], // re-added last, after the stubs
  ]);
  const covered = new Set(['deleteMessage', 'getUpdates', 'answerCallbackQuery', 'getMe', 'editMessageText',
    'editMessageReplyMarkup', 'sendMessage', 'setWebhook', 'deleteWebhook']);
  const patched = [preRoute, controlRoutes];
  for (const r of routes) {
    if (!replacement.has(r)) {
      throw new Error(`telegram-test-api route ${r.name} is unknown to server.js; check the pinned version`);
    }
    const rep = replacement.get(r);
    if (rep) patched.push(rep);
  }
  for (const [name, fn] of Object.entries(methods)) {
    if (!covered.has(name)) patched.push(botRoute(name, fn));
  }
  patched.push(unknownMethodRoute);
  routes.splice(0, routes.length, ...patched);
}

// ---------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------
process.on('unhandledRejection', (err) => console.error('[tg-emulator] unhandled rejection', err));
process.on('uncaughtException', (err) => console.error('[tg-emulator] uncaught exception', err));

async function main() {
  patchRoutes();
  const server = new PatchedTelegramServer({ port: PORT || 1, host: HOST, storeTimeout: STORE_TIMEOUT });
  server.config.port = PORT; // normalizeConfig() turns 0 into 9000
  await server.start();
  const actual = server.server.address().port;
  server.config.port = actual;
  server.config.apiURL = `${server.config.protocol}://${HOST}:${actual}`;
  server.server.keepAliveTimeout = 65000;
  process.stdout.write(`READY ${actual}\n`);
  log(`listening on ${HOST}:${actual}`);

  const shutdown = () => {
    for (const [, w] of server.pollWaiters) w.finish([]);
    server.stop().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (args['exit-on-stdin-close']) {
    process.stdin.on('end', shutdown);
    process.stdin.on('error', shutdown);
    process.stdin.resume();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error('[tg-emulator] failed to start:', err);
    process.exit(1);
  });
}

module.exports = { PatchedTelegramServer, patchRoutes, parseHtml, checkMarkdownV2 };
