// Start a real local Bluesky network (@atproto/dev-env: PLC, PDS, AppView, Ozone) and seed
// the conversations cyberkind's Bluesky connector reads. Used by
// scripts/record_bluesky_cassettes.py; see its docstring for the set-up.
//
// Environment: DB_POSTGRES_URL (postgresql://...), REDIS_HOST (host:port), NODE_PATH
// pointing at a node_modules that holds @atproto/dev-env. Prints one JSON line on stdout
// ({"pds": url, "accounts": {...}, "app_password": ...}) when the network is seeded, then
// serves until stdin closes or SIGTERM arrives.
'use strict'
const { TestNetwork, SeedClient } = require('@atproto/dev-env')

const PASSWORD = 'hunter2-not-secret'
const SEEDED_NOTIFICATIONS = 12 // 3 follows, 4 likes, 1 repost, 2 replies, 1 mention, 1 quote

async function main () {
  const started = Date.now()
  // Real rate limits (PDS_RATE_LIMITS_ENABLED), so a test can record a genuine 429 from
  // createSession (30 logins per 5 minutes). A fresh Postgres schema per run.
  const network = await TestNetwork.create({
    dbPostgresSchema: `cyberkind_${Date.now().toString(36).replace(/[0-9]/g, (d) => "abcdefghij"[d])}`,
    pds: { rateLimitsEnabled: true }
  })
  const sc = network.getSeedClient()
  const handles = {}
  for (const [name, display] of [['ana', 'Ana Lima'], ['bodhi', 'Bodhi Chen'], ['cyrus', 'Cyrus Okafor'], ['dinah', 'Dinah Novak']]) {
    const acct = await sc.createAccount(name, {
      handle: `${name}.test`, email: `${name}@cyberkind.invalid`, password: PASSWORD
    })
    handles[name] = acct.handle
    await sc.createProfile(sc.dids[name], display, `${display} on a test network`)
  }
  const [ana, bo, cy, di] = ['ana', 'bodhi', 'cyrus', 'dinah'].map((n) => sc.dids[n])
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5))
  // Ana (the user) writes two posts; the others like, repost, follow, reply, mention, quote.
  const first = await sc.post(ana, 'Ten tiny kindnesses you can do before lunch')
  const second = await sc.post(ana, 'Why I leave notes for my neighbours')
  await tick()
  await sc.follow(bo, ana); await tick()
  await sc.like(bo, first.ref); await tick()
  await sc.like(cy, first.ref); await tick()
  await sc.like(di, first.ref); await tick()
  await sc.repost(cy, first.ref); await tick()
  // A reply's notification needs its parent indexed first: the AppView drops a reply to a
  // post it has not seen yet (on a loaded machine it did, without these waits).
  const boReply = await sc.reply(bo, first.ref, first.ref, 'This made my morning, thank you!')
  await network.processAll()
  const anaReply = await sc.reply(ana, first.ref, boReply.ref, 'So glad it helped, Bodhi!')
  await network.processAll()
  await sc.reply(cy, first.ref, anaReply.ref, 'Idea: what if we all left a kind note for a stranger?'); await tick()
  await sc.follow(cy, ana); await tick()
  const text = 'Loving the kindness posts by @ana.test lately'
  const start = Buffer.byteLength('Loving the kindness posts by ')
  const mention = await sc.post(di, text, [{
    index: { byteStart: start, byteEnd: start + Buffer.byteLength('@ana.test') },
    features: [{ $type: 'app.bsky.richtext.facet#mention', did: ana }]
  }]); await tick()
  // Ana answers the mention on Bluesky itself: cyberkind must see it as answered.
  await sc.reply(ana, mention.ref, mention.ref, 'Thank you, Dinah!'); await tick()
  await sc.post(bo, 'Everyone should read this', undefined, undefined, second.ref); await tick()
  await sc.like(di, second.ref); await tick()
  await sc.follow(di, ana); await tick()
  await network.processAll()
  // The AppView writes some notifications (a reply deep in a thread) after processAll
  // returns: wait until Ana sees all 12 seeded ones, so every recording sees the same.
  const session = await (await fetch(`${network.pds.url}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: handles.ana, password: PASSWORD })
  })).json()
  for (let tries = 0; ; tries++) {
    const page = await (await fetch(`${network.pds.url}/xrpc/app.bsky.notification.listNotifications?limit=100`, {
      headers: { authorization: `Bearer ${session.accessJwt}` }
    })).json()
    if (page.notifications.length >= SEEDED_NOTIFICATIONS) break
    if (tries > 300) {
      const seen = page.notifications.map((n) => `${n.reason} by ${n.author.handle}`).join(', ')
      throw new Error(`only ${page.notifications.length} notifications after 60s: ${seen}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
    await network.processAll()
  }
  // An app password, as a real user would make one in Settings > App passwords.
  const appPassword = await network.pds.ctx.accountManager.createAppPassword(ana, 'cyberkind')
  process.stdout.write(JSON.stringify({
    pds: network.pds.url,
    appview: network.bsky.url,
    handles,
    user: handles.ana,
    app_password: appPassword.password,
    password: PASSWORD,
    seconds_to_start: (Date.now() - started) / 1000
  }) + '\n')
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await network.close()
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
}

main().catch((err) => { console.error(err); process.exit(1) })
