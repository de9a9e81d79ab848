//! The words that generated names are made of, some with accents, so that the policy text is
//! not plain ASCII.

/// First names.
pub(crate) const FIRST: &[&str] = &[
    "Amélie",
    "José",
    "Zoë",
    "Björn",
    "Ștefan",
    "Chloé",
    "Łukasz",
    "Renée",
    "Jürgen",
    "Inès",
    "Noah",
    "Emma",
    "Søren",
    "Ana",
    "Mateo",
    "Siobhán",
    "François",
    "Olivia",
    "Tomáš",
    "Liam",
];
/// Last names.
pub(crate) const LAST: &[&str] = &[
    "Durand",
    "Müller",
    "García",
    "Ionescu",
    "Nowak",
    "Lefèvre",
    "Çelik",
    "Núñez",
    "Novák",
    "Smith",
    "Rossi",
    "Kowalski",
    "Peña",
    "Håkansson",
    "Moreau",
    "Öztürk",
    "Schäfer",
    "Brown",
];
/// Words for team names.
pub(crate) const DEPARTMENTS: &[&str] = &[
    "Ventes",
    "Marketing",
    "Service client",
    "Développement",
    "Opérations",
    "Finanças",
    "Außendienst",
    "Logística",
    "Support",
    "Partenaires",
    "Événements",
    "Recherche",
];
/// Words for role names.
pub(crate) const JOBS: &[&str] = &[
    "Représentant",
    "Manager",
    "Analyst",
    "Rédacteur",
    "Coordinator",
    "Spécialiste",
    "Agent",
];
