import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedAddress, blockedHost, guardedLookup } from './address-policy.ts';

const CASES: Array<[string, boolean]> = [
  ['127.0.0.1', true], ['127.255.0.9', true], ['0.0.0.0', true], ['10.1.2.3', true], ['172.16.0.1', true], ['172.31.255.255', true],
  ['172.32.0.1', false], ['192.168.1.1', true], ['169.254.169.254', true], ['100.64.0.1', true], ['224.0.0.1', true], ['255.255.255.255', true],
  ['8.8.8.8', false], ['93.184.216.34', false], ['::1', true], ['::', true], ['fe80::1', true], ['fd12:3456::1', true], ['ff02::1', true],
  ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['::ffff:8.8.8.8', false], ['[::1]', true], ['2606:4700::1111', false], ['2001:db8::1', true],
];

test('blocked addresses: loopback, private, link-local, shared, multicast, reserved; IPv4 inside IPv6 judged as IPv4', () => {
  for (const [address, blocked] of CASES) assert.equal(blockedAddress(address) !== null, blocked, address);
});

test('hosts: localhost by name, IP literals by address, other names left to the lookup', () => {
  assert.ok(blockedHost('localhost'));
  assert.ok(blockedHost('LOCALHOST.'));
  assert.ok(blockedHost('shop.localhost'));
  assert.ok(blockedHost('[::1]'));
  assert.equal(blockedHost('hooks.example.com'), null);
  assert.equal(blockedHost('notlocalhost.example'), null);
});

test('the guarded lookup refuses a name that resolves to loopback', async () => {
  const lookup = guardedLookup();
  const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', { family: 0 }, (e) => resolve(e)));
  assert.equal(err?.code, 'KESSAI_ADDRESS_REFUSED');
  assert.match(err!.message, /refused address/);
});
