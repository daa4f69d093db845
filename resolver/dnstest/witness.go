package dnstest

// WitnessZone is zone text for the big mail providers that a resolver asks
// a server about before it trusts it (resolver.DefaultWitnesses), each
// with an MX host that resolves to an address in a documentation range.
// Add it to a test world that lacks them, so that its server knows the
// outside world as a real recursive resolver does and passes those
// probes. Its names are absolute: it may follow any $ORIGIN.
const WitnessZone = `
gmail.com.                              MX 5  gmail-smtp-in.l.google.com.
gmail-smtp-in.l.google.com.             A     192.0.2.250
outlook.com.                            MX 10 outlook-com.olc.protection.outlook.com.
outlook-com.olc.protection.outlook.com. A     192.0.2.251
yahoo.com.                              MX 1  mta5.am0.yahoodns.net.
mta5.am0.yahoodns.net.                  A     192.0.2.252
`
