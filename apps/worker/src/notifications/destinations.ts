// Where webhook deliveries may go. A webhook URL is typed in by an administrator, but the worker
// POSTs from inside the network: without a guard, a URL naming 169.254.169.254, localhost or an
// internal service would turn deliveries into requests the outside could never make (SSRF). So by
// default only public unicast addresses are contacted. The check runs on the addresses the name
// resolves to at connect time (the socket connects to exactly the address checked, so a name that
// resolves differently a second later, DNS rebinding, gains nothing). Set once at start from
// WEBHOOK_ALLOW_PRIVATE_NETWORKS (main.ts), like the keyring: handlers have no configuration.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { isIP, type LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

let allowPrivateNetworks = false

export function setWebhookDestinations(policy: { allowPrivateNetworks: boolean }): void {
  allowPrivateNetworks = policy.allowPrivateNetworks
}

/** A destination the policy refuses; never retried, since every attempt would be refused alike. */
export class DestinationRefused extends Error {
  override readonly name = 'DestinationRefused'
}

/** Why an address may not be contacted (ipaddr.js's range name), or null when it may. */
export function refusedRange(address: string): string | null {
  if (allowPrivateNetworks) return null
  if (!ipaddr.isValid(address)) return 'invalid'
  // process() reads ::ffff:10.0.0.1 as 10.0.0.1, which is what the kernel connects to.
  const range = ipaddr.process(address).range()
  return range === 'unicast' ? null : range
}

function refusal(host: string, address: string, range: string): DestinationRefused {
  const named = host === address ? address : `${host} (${address})`
  return new DestinationRefused(
    `${named} is a ${range} address; webhooks go to public addresses only unless WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`,
  )
}

/** Refuses a URL whose host is an address literal in a refused range (those skip the lookup). */
export function checkLiteralHost(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) === 0) return
  const range = refusedRange(host)
  if (range) throw refusal(host, host, range)
}

/**
 * A `lookup` for http.request: resolves every address of the name and refuses the connection when
 * any of them is in a refused range (a name with one private address is not a public destination).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 4)
    for (const { address } of addresses) {
      const range = refusedRange(address)
      if (range) return callback(refusal(hostname, address, range), '', 4)
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
    const [first] = addresses
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4)
    callback(null, first.address, first.family)
  })
}
