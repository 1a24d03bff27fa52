'use strict';
// A small SMSC for OneKey's SMS tests (issue 20), on the npm package "smpp" (an SMPP 3.4 implementation OneKey did
// not write). It binds any ESME, answers submit_sm with a message id, records every PDU it receives and sends as
// one JSON line in --log, sends a delivery receipt (deliver_sm, esm_class 0x04, receipted_message_id) for every part
// it accepted, and takes commands on an HTTP control port:
//   POST /inject   {"from","to","text"}   a text from a phone (deliver_sm; the library picks GSM or UCS2)
//   POST /throttle {"count"}              answer the next <count> submit_sm with ESME_RTHROTTLED (0x58)
//   POST /reject   {"to","status"}        answer submit_sm to <to> with <status> (e.g. 11 = ESME_RINVDSTADR)
//   POST /receipts {"on": true|false}     stop / start sending receipts (held ones go when switched on)
//   GET  /health
// It dies by being killed (kill -9): the test kit restarts it on the same port. Receipts not yet sent wait for the
// next bound session, as an SMSC stores them.
// Usage: node smsc.js --port 0 --control 0 --log pdus.jsonl [--receipt-delay-ms 30]
// Prints "LISTENING smpp=<port> control=<port>" once both listen.
const smpp = require('smpp');
const http = require('http');
const fs = require('fs');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
	args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
const logFile = args.log || 'pdus.jsonl';
const receiptDelay = parseInt(args['receipt-delay-ms'] || '30', 10);
const idPrefix = Date.now().toString(36) + '-';
let nextId = 1;
let throttle = 0;
let receiptsOn = args.receipts !== 'off';
const rejects = {};
const sessions = new Set();
const heldReceipts = [];
const out = fs.createWriteStream(logFile, {flags: 'a'});

function record(dir, pdu, extra) {
	const r = {t: Date.now(), dir: dir, command: pdu.command, seq: pdu.sequence_number, status: pdu.command_status};
	for (const k of ['system_id', 'source_addr', 'destination_addr', 'esm_class', 'data_coding', 'message_id',
		'registered_delivery']) {
		if (pdu[k] !== undefined) {
			r[k] = pdu[k];
		}
	}
	const sm = pdu.short_message;
	if (sm && typeof sm === 'object' && !Buffer.isBuffer(sm)) {
		if (sm.udh && sm.udh.length) {
			r.udh = Buffer.concat(sm.udh).toString('hex');
		}
		r.text = Buffer.isBuffer(sm.message) ? sm.message.toString('hex') : sm.message;
	} else if (typeof sm === 'string') {
		r.text = sm;
	}
	Object.assign(r, extra || {});
	out.write(JSON.stringify(r) + '\n');
}

function bound() {
	for (const s of sessions) {
		if (s.bound) {
			return s;
		}
	}
	return null;
}

function two(n) {
	return (n < 10 ? '0' : '') + n;
}

function stamp(d) {
	return two(d.getFullYear() % 100) + two(d.getMonth() + 1) + two(d.getDate()) + two(d.getHours()) + two(d.getMinutes());
}

function flushReceipts() {
	while (receiptsOn && heldReceipts.length) {
		const s = bound();
		if (!s) {
			return;
		}
		const r = heldReceipts.shift();
		const pdu = new smpp.PDU('deliver_sm', {
			source_addr: r.to,
			destination_addr: r.from,
			esm_class: 0x04,
			short_message: 'id:' + r.id + ' sub:001 dlvrd:001 submit date:' + stamp(r.at) + ' done date:' + stamp(new Date())
				+ ' stat:DELIVRD err:000 text:',
			receipted_message_id: r.id,
			message_state: 2
		});
		// a receipt the ESME did not take (ESME_RTHROTTLED, …) is sent again, as an SMSC does
		s.send(pdu, function(resp) {
			if (resp.command_status !== 0) {
				heldReceipts.push(r);
				setTimeout(flushReceipts, 200);
			}
		});
		record('out', pdu, {receipt: r.id});
	}
}

const server = smpp.createServer(function(session) {
	sessions.add(session);
	session.on('pdu', function(pdu) {
		record('in', pdu);
	});
	session.on('send', function(pdu) {
		if (pdu.command !== 'deliver_sm') {
			record('out', pdu);
		}
	});
	const bind = function(pdu) {
		session.bound = true;
		session.send(pdu.response());
		setTimeout(flushReceipts, 10);
	};
	session.on('bind_transceiver', bind);
	session.on('bind_transmitter', bind);
	session.on('enquire_link', function(pdu) {
		session.send(pdu.response());
	});
	session.on('unbind', function(pdu) {
		session.bound = false;
		session.send(pdu.response());
	});
	session.on('submit_sm', function(pdu) {
		if (throttle > 0) {
			throttle--;
			session.send(pdu.response({command_status: smpp.ESME_RTHROTTLED}));
			return;
		}
		if (rejects[pdu.destination_addr] !== undefined) {
			session.send(pdu.response({command_status: rejects[pdu.destination_addr]}));
			return;
		}
		const id = idPrefix + (nextId++);
		session.send(pdu.response({message_id: id}));
		if (pdu.registered_delivery & 0x03) {
			heldReceipts.push({id: id, to: pdu.destination_addr, from: pdu.source_addr, at: new Date()});
			setTimeout(flushReceipts, receiptDelay);
		}
	});
	session.on('close', function() {
		session.bound = false;
		sessions.delete(session);
	});
	session.on('error', function() {
		sessions.delete(session);
	});
});

function body(req, cb) {
	let data = '';
	req.on('data', function(c) {
		data += c;
	});
	req.on('end', function() {
		try {
			cb(data ? JSON.parse(data) : {});
		} catch (e) {
			cb(null);
		}
	});
}

const control = http.createServer(function(req, res) {
	const reply = function(code, o) {
		res.writeHead(code, {'Content-Type': 'application/json'});
		res.end(JSON.stringify(o));
	};
	if (req.method === 'GET' && req.url === '/health') {
		return reply(200, {bound: !!bound(), heldReceipts: heldReceipts.length, throttle: throttle});
	}
	body(req, function(b) {
		if (b === null) {
			return reply(400, {error: 'not JSON'});
		}
		if (req.url === '/inject') {
			const s = bound();
			if (!s) {
				return reply(409, {error: 'no bound session'});
			}
			const pdu = new smpp.PDU('deliver_sm', {source_addr: b.from, destination_addr: b.to || '', short_message: b.text});
			s.send(pdu, function(resp) {
				reply(200, {status: resp.command_status});
			});
			record('out', pdu, {injected: true, text: b.text});
		} else if (req.url === '/throttle') {
			throttle = b.count || 0;
			reply(200, {throttle: throttle});
		} else if (req.url === '/reject') {
			rejects[b.to] = b.status;
			reply(200, {});
		} else if (req.url === '/receipts') {
			receiptsOn = !!b.on;
			flushReceipts();
			reply(200, {receipts: receiptsOn});
		} else {
			reply(404, {error: 'unknown command'});
		}
	});
});

server.listen(parseInt(args.port || '0', 10), '127.0.0.1', function() {
	control.listen(parseInt(args.control || '0', 10), '127.0.0.1', function() {
		process.stdout.write('LISTENING smpp=' + server.address().port + ' control=' + control.address().port + '\n');
	});
});
