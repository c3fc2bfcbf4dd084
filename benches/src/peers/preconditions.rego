# The five preconditions of the default CSP pack, in Rego.
#
# input: one transfer plan, as JSON (the default pack's `Transfer`).
# data.catalog: the default pack's catalog, as JSON (`{"offers": {KEY: {...}}}`).
# `violations` is the set of rule ids (the default pack's) the plan breaks; like
# the pack's rules, the offer rules stay silent about a subscription whose offers
# the catalog does not know.
package preflight

import rego.v1

offers := data.catalog.offers

# A CSP partner can only resell in the regional markets it is registered for.
violations contains "same-region" if {
	input.partner.region != input.customer.region
}

# The partner can provision nothing until the customer has accepted its reseller
# relationship request.
violations contains "reseller-relationship" if {
	input.relationship != "accepted"
}

# Users keep their data only when the new offer is the one held or one of its
# equivalents.
violations contains "equivalent-offer" if {
	some s in input.subscriptions
	from := offers[s.offer]
	offers[s.target.offer]
	s.target.offer != s.offer
	not s.target.offer in from.equivalents
}

# An offer no longer sold cannot be provisioned.
violations contains "discontinued-offer" if {
	some s in input.subscriptions
	offers[s.offer]
	offers[s.target.offer].discontinued
}

# The new subscription carries as many licenses as the old one.
violations contains "license-count" if {
	some s in input.subscriptions
	s.target.quantity != s.quantity
}
