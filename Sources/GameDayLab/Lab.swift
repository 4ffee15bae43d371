// The reference lab: gateway, unit services, control plane.
