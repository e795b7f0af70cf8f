export const id = 318;
export const ids = [318];
export const modules = {

/***/ 7318:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   upsertStickyComment: () => (/* binding */ upsertStickyComment)
/* harmony export */ });
/* unused harmony export commentMarker */
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1351);
/* harmony import */ var _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5555);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6856);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3916);
/**
 * The sticky pull-request comment: one comment per report key, found by a
 * hidden marker on its first line and written by the token's own identity,
 * created once and then edited in place.
 *
 * The caller loads this module with `await import()` only when a comment is
 * wanted, so nothing here runs at load time.
 */





const MARKER_PREFIX = 'hss-image-size-gate comment-key:';
const SERVER_ERROR_RETRIES = 3;
const RATE_LIMIT_RETRIES = 2;
// A primary rate limit can ask for a wait of up to an hour; sitting idle that
// long burns runner minutes for a comment, so longer waits fail instead.
const MAX_RATE_LIMIT_WAIT_SECONDS = 120;
// Per attempt: a stalled connection must not hold the job until its timeout.
const REQUEST_TIMEOUT_MS = 30_000;
const FORKS_HINT = 'On pull requests from forks the GITHUB_TOKEN is read-only: see ' +
    '"Pull requests from forks" in the README (#pull-requests-from-forks)';
const PERMISSION_HINT = 'The token needs the `pull-requests: write` (or `issues: write`) ' +
    `permission to comment. ${FORKS_HINT}`;
/**
 * The hidden first line that identifies a report's comment. The key is
 * percent-encoded where it could end or split the HTML comment (`<`, `>`, a
 * second `-` in a row, control and line-separator characters) and at `%`
 * itself, so distinct keys always give distinct markers.
 */
function commentMarker(key) {
    let safe = '';
    let previous = '';
    for (const char of key) {
        const unsafe = char === '%' ||
            char === '<' ||
            char === '>' ||
            (char === '-' && previous === '-') ||
            /[\p{Cc}\p{Zl}\p{Zp}]/u.test(char);
        safe += unsafe ? percentEncode(char) : char;
        previous = char;
    }
    return `<!-- ${MARKER_PREFIX} ${safe} -->`;
}
/**
 * Creates the report's comment, or edits the one a previous run left, and
 * deletes any extra copies (two runs racing to create it). Running it again
 * never adds a comment. A comment that carries the marker but was written by
 * someone else is never edited or deleted.
 */
async function upsertStickyComment(req) {
    const { owner, repo, issueNumber: issue_number, log } = req;
    const where = `${owner}/${repo}#${issue_number}`;
    const marker = commentMarker(req.key);
    const render = (previous) => `${marker}\n${typeof req.body === 'string' ? req.body : req.body(previous)}`;
    const octokit = createClient(req);
    // Every page: the comment can sit behind hundreds of others on a busy PR.
    const all = await attempt(req, `listing comments on ${where}`, () => listComments(octokit, { owner, repo, issue_number }));
    const marked = all.filter((comment) => firstLine(comment.body ?? '') === marker);
    // The marker alone proves nothing: anyone who can comment on the pull
    // request (its author included) can start a comment with the same hidden
    // line, and a copy older than the report would be taken for it: edited,
    // and the real report deleted as a duplicate. So only comments written by
    // the identity behind the token count; the list response names each
    // comment's author, and `authorship` says which authors are that identity.
    const isOurs = marked.length > 0
        ? await authorship(req, octokit, marked, where)
        : () => false;
    const ours = marked
        .filter(isOurs)
        .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);
    log.debug(`${marked.length} of ${all.length} comments on ${where} carry ${marker}; ` +
        `${ours.length} written by this token's identity`);
    const ignored = marked.filter((comment) => !isOurs(comment));
    if (ignored.length > 0) {
        // Debug only: anyone can post these, and a warning per copy would let
        // them fill the job's log and annotations.
        log.debug(`Ignored ${ignored.length} comment(s) on ${where} that carry the ` +
            `marker but were written by someone else (${authorList(ignored)}); ` +
            'they are neither edited nor deleted');
    }
    const [kept, ...duplicates] = ours;
    if (!kept) {
        if (!req.createIfMissing) {
            log.info(`No report comment on ${where} to update; none created`);
            return { action: 'skipped', url: '', removedDuplicates: [] };
        }
        const body = render(undefined);
        const { data } = await attempt(req, `creating a comment on ${where}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number, body }));
        log.info(`Created report comment ${data.html_url}`);
        return {
            action: 'created',
            url: data.html_url,
            id: data.id,
            removedDuplicates: []
        };
    }
    let action = 'unchanged';
    let url = kept.html_url;
    const body = render(kept.body ?? undefined);
    if (normalise(kept.body ?? '') === normalise(body)) {
        log.info(`Report comment ${url} is already up to date`);
    }
    else {
        const { data } = await attempt(req, `updating comment ${kept.id} on ${where}`, () => octokit.rest.issues.updateComment({
            owner,
            repo,
            comment_id: kept.id,
            body
        }));
        action = 'updated';
        url = data.html_url;
        log.info(`Updated report comment ${url}`);
    }
    const removedDuplicates = [];
    for (const duplicate of duplicates) {
        try {
            await attempt(req, `deleting duplicate comment ${duplicate.id} on ${where}`, () => octokit.rest.issues.deleteComment({
                owner,
                repo,
                comment_id: duplicate.id
            }));
            removedDuplicates.push(duplicate.id);
            log.info(`Deleted duplicate report comment ${duplicate.html_url}`);
        }
        catch (error) {
            // The report itself is in place; a leftover copy is not worth failing
            // the job, and a 404 means a concurrent run already removed it.
            if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7 && error.details.status === 404) {
                log.debug(`Duplicate comment ${duplicate.id} was already gone`);
            }
            else {
                log.warning(error instanceof Error ? error.message : String(error));
            }
        }
    }
    return { action, url, id: kept.id, removedDuplicates };
}
const MAX_AUTHORS_LOGGED = 10;
/** A GitHub App, GITHUB_TOKEN included, comments as `<name>[bot]`. */
function isBot(comment) {
    const user = comment.user;
    return user?.type === 'Bot' || (user?.login ?? '').endsWith('[bot]');
}
/**
 * Which marked comments the token wrote. A comment by a bot counts: a
 * GITHUB_TOKEN or an app's installation token writes as one, and a person
 * cannot post as a bot. A comment by a person counts only when the token is
 * that person, which only `GET /user` can say; it is asked once, and only
 * when a person's comment carries the marker (on GitHub, with a GITHUB_TOKEN,
 * that is somebody's copy, and the answer is 403). Once the token is known to
 * be a person, bots' copies no longer count. When GitHub refuses to name the
 * user (401, 403) only bots count. A comment that names no author cannot be
 * judged and counts.
 *
 * A server that cannot answer `GET /user` at all (no such route, an error)
 * says nothing about the token. Then a bot's copy means the token is most
 * likely that bot, and only bots count; with none, every copy counts, since
 * refusing them all would add a new comment on every run.
 */
async function authorship(req, octokit, marked, where) {
    const unknown = (comment) => !comment.user?.login;
    const byBot = (comment) => unknown(comment) || isBot(comment);
    const byPerson = marked.some((c) => !byBot(c));
    if (!byPerson)
        return byBot;
    try {
        const { data } = await attempt(req, "reading the token's user", () => 
        // Not retried: the answer only sharpens a choice that has a fallback.
        octokit.rest.users.getAuthenticated({ request: { retries: 0 } }));
        const login = data.login.toLowerCase();
        req.log.debug(`Counting only comments by ${data.login} on ${where} as this ` +
            "action's: the token's user");
        return (comment) => unknown(comment) || comment.user?.login?.toLowerCase() === login;
    }
    catch (error) {
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7))
            throw error;
        // The step's timeout ran out: nothing more is to be sent.
        if (req.signal?.aborted)
            throw error;
        const answer = error.details.status === undefined
            ? 'no answer'
            : `HTTP ${error.details.status}`;
        if (error.details.authFailure) {
            req.log.debug(`GitHub refused to name the token's user (${answer}); counting ` +
                `only comments by a bot on ${where} as this action's`);
            return byBot;
        }
        const botCopy = marked.some(isBot);
        req.log.debug(`${req.apiUrl} could not name the token's user (${answer}); ` +
            (botCopy
                ? `a bot wrote a copy of the marker, so only bots' comments on ${where} count as this action's`
                : `every comment on ${where} that carries the marker counts as this action's`));
        return botCopy ? byBot : () => true;
    }
}
const PER_PAGE = 100;
// 10,000 comments: far beyond any pull request, and a bound on a server
// that answers every page alike.
const MAX_PAGES = 100;
/**
 * Every comment of the issue, 100 a page: GitHub's `Link` header says
 * whether another page follows; a server that sends none is asked for the
 * next page while pages come back full and bring comments not seen yet.
 */
async function listComments(octokit, params) {
    const seen = new Map();
    for (let page = 1; page <= MAX_PAGES; page++) {
        const { data, headers } = await octokit.rest.issues.listComments({
            ...params,
            per_page: PER_PAGE,
            // The first request names no page, as GitHub's own next links do not.
            ...(page > 1 ? { page } : {})
        });
        let added = 0;
        for (const comment of data) {
            if (!seen.has(comment.id)) {
                seen.set(comment.id, comment);
                added++;
            }
        }
        const more = headers.link
            ? /rel="next"/.test(headers.link)
            : data.length >= PER_PAGE;
        if (!more || added === 0)
            break;
    }
    return [...seen.values()];
}
/** The distinct authors of `comments`, for a log line of bounded length. */
function authorList(comments) {
    const logins = [
        ...new Set(comments.map((c) => c.user?.login ?? '(deleted user)'))
    ];
    const shown = logins.slice(0, MAX_AUTHORS_LOGGED).join(', ');
    const more = logins.length - MAX_AUTHORS_LOGGED;
    return more > 0 ? `${shown} and ${more} more` : shown;
}
function createClient(req) {
    const { log } = req;
    // @actions/github's fetch honours HTTPS_PROXY and NO_PROXY; replacing the
    // `request` option wholesale would lose it, so it is wrapped instead.
    const baseFetch = _actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request?.fetch ?? fetch;
    const loggingFetch = async (input, init = {}) => {
        const method = init.method ?? 'GET';
        const url = new URL(input);
        const path = `${url.pathname}${url.search}`;
        const signals = [AbortSignal.timeout(REQUEST_TIMEOUT_MS)];
        if (init.signal)
            signals.push(init.signal);
        if (req.signal)
            signals.push(req.signal);
        const signal = AbortSignal.any(signals);
        const started = Date.now();
        try {
            const response = await baseFetch(input, { ...init, signal });
            log.debug(`GitHub ${method} ${path} -> ${response.status} (${Date.now() - started} ms)`);
            return response;
        }
        catch (error) {
            const reason = error instanceof Error ? error.message : String(error);
            log.debug(`GitHub ${method} ${path} -> no response: ${reason}`);
            throw error;
        }
    };
    const onLimit = (kind) => (retryAfter, options, _octokit, retryCount) => {
        const what = `GitHub ${kind} rate limit on ${options.method} ${options.url}`;
        if (retryCount >= RATE_LIMIT_RETRIES) {
            log.warning(`${what}; giving up after ${retryCount} retries`);
            return false;
        }
        if (retryAfter > MAX_RATE_LIMIT_WAIT_SECONDS) {
            log.warning(`${what}; GitHub asks for ${retryAfter} s, more than the ` +
                `${MAX_RATE_LIMIT_WAIT_SECONDS} s this action waits`);
            return false;
        }
        // Info, not a warning: a retry that then succeeds needs no annotation.
        log.info(`${what}; retrying in ${retryAfter} s ` +
            `(retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES})`);
        return true;
    };
    return (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(req.token, {
        baseUrl: req.apiUrl.replace(/\/+$/, ''),
        log: {
            debug: (message) => log.debug(message),
            info: (message) => log.debug(message),
            warn: (message) => log.warning(message),
            error: (message) => log.warning(message)
        },
        request: {
            ..._actions_github_lib_utils__WEBPACK_IMPORTED_MODULE_1__/* .defaults */ .NT.request,
            fetch: loggingFetch,
            log: { warn: (message) => log.warning(message) }
        },
        // Client errors are never retried: a 401 or a permission 403 will not
        // heal, and a 422 would only be refused again.
        retry: {
            retries: SERVER_ERROR_RETRIES,
            doNotRetry: [400, 401, 403, 404, 410, 422, 451]
        },
        throttle: {
            // The plugin spaces writes per id across every client in the process;
            // one id per API host keeps separate hosts (and test servers) apart.
            id: `hss-image-size-gate ${req.apiUrl}`,
            onRateLimit: onLimit('primary'),
            onSecondaryRateLimit: onLimit('secondary')
        }
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__/* .throttling */ .A);
}
async function attempt(req, operation, call) {
    const { signal } = req;
    // Octokit's retry and throttling waits do not listen to a signal, so the
    // call is raced against the step's timeout instead of waited for.
    let onAbort = () => { };
    const aborted = new Promise((_, reject) => {
        onAbort = () => {
            const reason = signal?.reason;
            reject(new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7(`GitHub: stopped while ${operation}: ${reason instanceof Error ? reason.message : 'the step was stopped'}.`, { operation }));
        };
        if (signal?.aborted)
            onAbort();
        else
            signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
        return await Promise.race([call(), aborted]);
    }
    catch (error) {
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7 && signal?.aborted)
            throw error;
        throw toServiceError(req, operation, error);
    }
    finally {
        signal?.removeEventListener('abort', onAbort);
    }
}
function toServiceError(req, operation, error) {
    const failure = typeof error === 'object' && error !== null ? error : {};
    // Without a response the status Octokit reports (500) is its own invention.
    const status = failure.response ? failure.status : undefined;
    const data = failure.response?.data;
    const serviceMessage = typeof data === 'object' &&
        data !== null &&
        'message' in data &&
        typeof data.message === 'string'
        ? data.message
        : (failure.message ?? String(error));
    const requestId = failure.response?.headers?.['x-github-request-id'];
    const rateLimited = (status === 403 || status === 429) && /rate limit/i.test(serviceMessage);
    const hint = hintFor(req, status, rateLimited);
    const parts = [`GitHub: ${operation} failed`];
    if (status !== undefined)
        parts.push(` with HTTP ${status}`);
    parts.push(`: ${serviceMessage.replace(/\s+/g, ' ').trim()}`);
    if (requestId)
        parts.push(` (request id ${requestId})`);
    parts.push(`. ${hint}`);
    return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ServiceError */ ._7(parts.join(''), {
        operation,
        status,
        serviceMessage,
        requestId,
        hint,
        authFailure: !rateLimited && (status === 401 || status === 403)
    });
}
function hintFor(req, status, rateLimited) {
    const where = `${req.owner}/${req.repo}#${req.issueNumber}`;
    if (rateLimited) {
        return (`GitHub's rate limit still applied after ${RATE_LIMIT_RETRIES} ` +
            'retries; re-run the job later');
    }
    switch (status) {
        case undefined:
            return (`GitHub at ${req.apiUrl} did not answer; check the network and any ` +
                'proxy settings (HTTPS_PROXY, NO_PROXY)');
        case 401:
            return ('GitHub rejected the token: it may be mistyped, revoked or expired ' +
                '(a GITHUB_TOKEN expires when its job ends)');
        case 403:
            return PERMISSION_HINT;
        case 404:
            return (`GitHub answers 404 when ${where} does not exist or the token ` +
                `cannot see it. ${PERMISSION_HINT}`);
        case 422:
            return ('GitHub refused the comment; a comment body is limited to 65,536 ' +
                'characters');
    }
    if (status >= 500) {
        return (`GitHub still failed after ${SERVER_ERROR_RETRIES} retries; see ` +
            'https://www.githubstatus.com and re-run the job');
    }
    return 'GitHub refused the request';
}
function firstLine(text) {
    const end = text.indexOf('\n');
    const line = end === -1 ? text : text.slice(0, end);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
}
// GitHub stores a body edited in its web editor with CRLF line ends.
function normalise(text) {
    return text.replace(/\r\n/g, '\n');
}
function percentEncode(char) {
    return Array.from(new TextEncoder().encode(char), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}


/***/ })

};
