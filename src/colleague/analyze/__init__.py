"""Pure analyzers: PersonData in, claims with evidence out."""
