/**
 * Nginx (Debian package) in front of the auth replicas. Its upstream list is rewritten and
 * reloaded whenever the set of auth replicas changes (see ../routing.ts).
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LabError } from '../../../errors.js';
import { renderTemplate } from '../../../stack/template.js';
import { httpOk } from '../../probes.js';
import { requireOnPath } from '../installed-tools.js';
import { baseEnvironment, type LocalContext, type LocalService } from '../local-context.js';

export function nginxPaths(ctx: LocalContext) {
  const runDir = join(ctx.dirs.data, 'nginx');
  return { runDir, tempDir: join(runDir, 'temp'), config: join(ctx.dirs.config, 'nginx.conf') };
}

/** Nginx's workers drop root for `nobody`; they need their temp folders. */
function workerUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' });
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Renders nginx.conf for these auth replicas, checks it with `nginx -t`, and swaps it in. */
export function writeNginxConfig(ctx: LocalContext, authReplicas: number[], generation: string) {
  if (authReplicas.length === 0) {
    throw new LabError('BAD_INPUT', 'nginx needs at least one auth replica');
  }
  const paths = nginxPaths(ctx);
  const user = workerUser();
  mkdirSync(paths.tempDir, { recursive: true });
  if (user) chownSync(paths.tempDir, user.uid, user.gid);

  const text = renderTemplate('nginx.conf', {
    userDirective: user ? 'user nobody nogroup;' : '',
    workerProcesses: 2,
    runDir: paths.runDir,
    tempDir: paths.tempDir,
    port: ctx.ports.nginx,
    generation,
    upstreamServers: authReplicas
      .map((replica) => `    server 127.0.0.1:${ctx.ports.auth(replica)} max_fails=0;`)
      .join('\n'),
  });
  const candidate = `${paths.config}.new`;
  writeFileSync(candidate, text);
  const check = spawnSync(requireOnPath('nginx', 'run `authlab install`'),
    ['-t', '-q', '-e', 'stderr', '-p', paths.runDir, '-c', candidate], { encoding: 'utf8' });
  if (check.status !== 0) {
    throw new LabError('INTERNAL', 'the rendered nginx.conf does not pass `nginx -t`',
      { details: check.stderr.trim() });
  }
  renameSync(candidate, paths.config);
}

export const nginxService: LocalService = {
  service: 'nginx',
  replicated: false,
  dependsOn: ['auth'],
  // SIGQUIT is nginx's graceful shutdown: workers finish what they serve.
  stopSignal: 'SIGQUIT',
  ports: (ctx) => [ctx.ports.nginx],

  async prepare(ctx) {
    writeNginxConfig(ctx, ctx.activeReplicas('auth'), String(Date.now()));
  },

  launch(ctx) {
    const paths = nginxPaths(ctx);
    return {
      file: requireOnPath('nginx', 'run `authlab install`'),
      args: ['-e', 'stderr', '-p', paths.runDir, '-c', paths.config],
      env: baseEnvironment({}),
    };
  },

  probe: async (ctx) => {
    await httpOk(`${ctx.endpoints.nginxUrl}/authlab/nginx-generation`);
  },
};
