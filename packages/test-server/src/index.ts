/** Test support for Ensign's packages: a real server process, its admin API, a cuttable proxy. */
export { type AdminClient, type AdminResponse, adminClient } from './admin-client.js';
export { type EnsignServer, printedKeys, serverMain, startEnsignServer } from './server-process.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
