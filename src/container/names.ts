// Generated container names, "adjective_scientist" like Docker's, and the name rules.

import { InvalidInputError } from "../errors";

const LEFT = ["admiring", "agitated", "amazing", "angry", "awesome", "blissful", "bold", "boring",
  "brave", "busy", "charming", "clever", "compassionate", "competent", "confident", "cool",
  "dazzling", "determined", "distracted", "dreamy", "eager", "ecstatic", "elastic", "elated",
  "elegant", "eloquent", "epic", "fervent", "festive", "flamboyant", "focused", "friendly",
  "frosty", "funny", "gallant", "gifted", "goofy", "gracious", "happy", "hardcore", "heuristic",
  "hopeful", "hungry", "infallible", "inspiring", "jolly", "jovial", "keen", "kind", "laughing",
  "loving", "lucid", "magical", "modest", "musing", "mystifying", "naughty", "nervous", "nice",
  "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic", "pensive", "practical",
  "priceless", "quirky", "quizzical", "relaxed", "reverent", "romantic", "sad", "serene",
  "sharp", "silly", "sleepy", "stoic", "strange", "stupefied", "suspicious", "sweet", "tender",
  "thirsty", "trusting", "upbeat", "vibrant", "vigilant", "vigorous", "wizardly", "wonderful",
  "xenodochial", "youthful", "zealous", "zen"];
const RIGHT = ["albattani", "allen", "almeida", "archimedes", "ardinghelli", "babbage", "banach",
  "bardeen", "bartik", "bassi", "bell", "benz", "bhabha", "blackwell", "bohr", "booth", "borg",
  "bose", "boyd", "brahmagupta", "brattain", "brown", "carson", "cerf", "chandrasekhar", "clarke",
  "colden", "cori", "cray", "curie", "darwin", "davinci", "dijkstra", "dubinsky", "easley",
  "einstein", "elion", "engelbart", "euclid", "euler", "fermat", "fermi", "feynman", "franklin",
  "galileo", "gates", "goldberg", "goldstine", "golick", "goodall", "hamilton", "hawking",
  "heisenberg", "hermann", "hodgkin", "hoover", "hopper", "hypatia", "jackson", "jang", "jennings",
  "jepsen", "johnson", "joliot", "kalam", "kapitsa", "keller", "kepler", "khorana", "kilby",
  "kirch", "knuth", "kowalevski", "lalande", "lamarr", "lamport", "leakey", "leavitt", "lewin",
  "lichterman", "liskov", "lovelace", "lumiere", "mahavira", "mayer", "mccarthy", "mcclintock",
  "mclean", "meitner", "mendel", "mestorf", "minsky", "mirzakhani", "morse", "murdock", "napier",
  "nash", "neumann", "newton", "nobel", "noether", "northcutt", "noyce", "panini", "pare",
  "pasteur", "payne", "perlman", "pike", "poincare", "poitras", "ptolemy", "raman", "ramanujan",
  "ride", "ritchie", "roentgen", "rosalind", "saha", "sammet", "shannon", "shaw", "shirley",
  "shockley", "sinoussi", "snyder", "spence", "stallman", "stonebraker", "swanson", "swartz",
  "swirles", "tesla", "thompson", "torvalds", "turing", "varahamihira", "visvesvaraya", "volhard",
  "wescoff", "wiles", "williams", "wilson", "wing", "wozniak", "wright", "yalow", "yonath"];

export function generateName(attempt: number): string {
  const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)];
  const base = `${pick(LEFT)}_${pick(RIGHT)}`;
  return attempt > 3 ? `${base}${Math.floor(Math.random() * 10)}` : base;
}

const VALID_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** Docker's rule for --name; a leading "/" (as inspect prints it) is accepted and dropped. */
export function validateName(name: string): string {
  const n = name.startsWith("/") ? name.slice(1) : name;
  if (!VALID_NAME.test(n) || n.length > 253)
    throw new InvalidInputError(`invalid container name ("${name}"), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return n;
}
