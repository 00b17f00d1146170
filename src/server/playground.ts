// GraphiQL served from the project's own installed packages, so the playground works offline.
import path from 'node:path';
import express, { type Router } from 'express';

const ASSETS: Record<string, string> = {
  'react.production.min.js': 'react/umd/react.production.min.js',
  'react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  'graphiql.min.js': 'graphiql/graphiql.min.js',
  'graphiql.min.css': 'graphiql/graphiql.min.css',
  'graphql-ws.min.js': 'graphql-ws/umd/graphql-ws.min.js',
};

function assetPath(modulePath: string): string {
  const [scope, ...rest] = modulePath.split('/');
  return path.join(path.dirname(require.resolve(`${scope}/package.json`)), ...rest);
}

export const PLAYGROUND_PREFIX = '/playground-assets';

export function playgroundAssets(): Router {
  const router = express.Router();
  for (const [name, modulePath] of Object.entries(ASSETS)) {
    const file = assetPath(modulePath);
    router.get(`/${name}`, (_req, res) => {
      res.sendFile(file, { maxAge: '1d' });
    });
  }
  return router;
}

/**
 * The page: GraphiQL with an HTTP fetcher and a graphql-ws client for
 * subscriptions. The Authorization header typed in GraphiQL's headers pane is
 * sent on HTTP and, for subscriptions, as the connection_init payload.
 */
export function playgroundHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Credit management API – playground</title>
  <link rel="stylesheet" href="${PLAYGROUND_PREFIX}/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="${PLAYGROUND_PREFIX}/react.production.min.js"></script>
  <script src="${PLAYGROUND_PREFIX}/react-dom.production.min.js"></script>
  <script src="${PLAYGROUND_PREFIX}/graphiql.min.js"></script>
  <script src="${PLAYGROUND_PREFIX}/graphql-ws.min.js"></script>
  <script src="${PLAYGROUND_PREFIX}/playground.js"></script>
</body>
</html>`;
}

export function playgroundScript(endpointPath: string): string {
  return `(function () {
  var httpUrl = ${JSON.stringify(endpointPath)};
  var wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + httpUrl;
  var storedHeaders = '{\\n  "Authorization": "Bearer <token from login>"\\n}';
  function headersOf(options) {
    return Object.assign({}, (options && options.headers) || {});
  }
  function httpFetch(params, options) {
    var headers = Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, headersOf(options));
    return fetch(httpUrl, { method: 'POST', headers: headers, body: JSON.stringify(params) }).then(function (r) { return r.json(); });
  }
  var clients = {};
  function wsClient(authorization) {
    if (!clients[authorization]) {
      clients[authorization] = graphqlWs.createClient({ url: wsUrl, lazy: true, connectionParams: { authorization: authorization } });
    }
    return clients[authorization];
  }
  function fetcher(params, options) {
    var isSubscription = /^\\s*subscription\\b/m.test(params.query || '') && (!params.operationName || new RegExp('subscription\\\\s+' + params.operationName).test(params.query));
    if (!isSubscription) return httpFetch(params, options);
    var headers = headersOf(options);
    var client = wsClient(headers.Authorization || headers.authorization || '');
    return {
      subscribe: function (sink) {
        var dispose = client.subscribe(params, sink);
        return { unsubscribe: dispose };
      }
    };
  }
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    headers: storedHeaders,
    shouldPersistHeaders: true,
    defaultQuery: '# Log in, then put the token in the Headers pane below.\\nmutation Login {\\n  login(input: { email: "demo@example.com", password: "<demo password>" }) {\\n    token\\n  }\\n}\\n\\nquery Me {\\n  me { email name }\\n  administrations { id name myRole }\\n}\\n'
  }));
})();`;
}
