/**
 * A loopback forward proxy for the proxy tests: plain http requests in
 * absolute form are forwarded, CONNECT opens a tunnel. Records what it saw.
 */
import http from 'node:http'
import net, { type AddressInfo, type Socket } from 'node:net'

export interface ProxySeen {
  method: string
  /** The absolute URL of a forwarded request, or host:port of a CONNECT. */
  target: string
  headers: http.IncomingHttpHeaders
}

export interface LoopbackProxy {
  url: string
  seen: ProxySeen[]
  close(): Promise<void>
}

export async function startProxy(): Promise<LoopbackProxy> {
  const seen: ProxySeen[] = []
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      target: req.url ?? '',
      headers: req.headers
    })
    const target = new URL(req.url ?? '')
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push({
      method: 'CONNECT',
      target: req.url ?? '',
      headers: req.headers
    })
    const [host, port] = (req.url ?? '').split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      })
  }
}
