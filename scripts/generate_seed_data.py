#!/usr/bin/env python3
"""Generate albertplus's bundled AlbertPlus sample data set into ``seed/``.

Why a generator and not hand-written JSON: the data set is large (hundreds of courses, over a thousand
sections) and must stay internally consistent (every referenced code exists, class numbers are unique per
term, recitations never overlap their lecture, rooms and instructors are never double-booked). Writing it by
hand would drift; generating it from a small hand-curated catalog plus a fixed ``random.Random(seed)`` keeps it
consistent and byte-for-byte reproducible (no network, no wall clock, no set iteration).

The output is one JSON array per table in the argument shape of the original Convex ``seed:seedAll`` mutation
(spec §4.2): programs, requirements, prerequisites and students reference each other by NAME/CODE, not by id,
so the loader can resolve relationships exactly like ``seedAll`` does.

Usage::

    .venv/bin/python scripts/generate_seed_data.py            # rewrite seed/ at the repo root
    .venv/bin/python scripts/generate_seed_data.py --out DIR  # write somewhere else
    .venv/bin/python scripts/generate_seed_data.py --check    # exit 1 if seed/ is stale

The data is a plausible SAMPLE for "today" (current term fall 2026, next term spring 2027), not NYU's live
catalog.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from albertplus_cli.seed.dataset import SEED_TABLE_ORDER

DEFAULT_SEED = 20261125
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "seed"

#: Tables in seedAll's processing order (§4.2); also the file names under seed/. The loader's own list.
TABLES: tuple[str, ...] = SEED_TABLE_ORDER

Row = dict[str, Any]

# ---------------------------------------------------------------------------------------------------------
# Enums (spec §1) and the "today" of the data set
# ---------------------------------------------------------------------------------------------------------

CURRENT = ("fall", 2026)
NEXT = ("spring", 2027)
TERM_ORDER = {"j-term": 0, "spring": 1, "summer": 2, "fall": 3}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")

CAS = "College of Arts and Science"
GSAS = "Graduate School of Arts and Science"
DENT = "College of Dentistry"
GALLATIN = "Gallatin School of Individualized Study"
STERN = "Leonard N. Stern School of Business"
LS = "Liberal Studies"
NYUAD = "NYU Abu Dhabi"
NYUSH = "NYU Shanghai"
GROSSMAN = "NYU Grossman School of Medicine"
GROSSMAN_LI = "NYU Grossman Long Island School of Medicine"
WAGNER = "Robert F. Wagner Graduate School of Public Service"
NURSING = "Rory Meyers College of Nursing"
GPH = "School of Global Public Health"
LAW = "School of Law"
SPS = "School of Professional Studies"
SILVER = "Silver School of Social Work"
STEINHARDT = "Steinhardt School of Culture, Education, and Human Development"
TANDON = "Tandon School of Engineering"
TISCH = "Tisch School of the Arts"
NON_SCHOOL = "Non-School Based Programs - UG"

UG = "undergraduate"
GRAD = "graduate"

#: (name, shortName, levels offered). Undergraduate and graduate rows where the school has both.
SCHOOLS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (CAS, "CAS", (UG,)),
    (GSAS, "GSAS", (GRAD,)),
    (DENT, "Dentistry", (UG, GRAD)),
    (GALLATIN, "Gallatin", (UG, GRAD)),
    (STERN, "Stern", (UG, GRAD)),
    (LS, "LS", (UG,)),
    (NYUAD, "NYUAD", (UG, GRAD)),
    (NYUSH, "NYUSH", (UG, GRAD)),
    (GROSSMAN, "Grossman", (GRAD,)),
    (GROSSMAN_LI, "Grossman LI", (GRAD,)),
    (WAGNER, "Wagner", (UG, GRAD)),
    (NURSING, "Nursing", (UG, GRAD)),
    (GPH, "GPH", (UG, GRAD)),
    (LAW, "Law", (GRAD,)),
    (SPS, "SPS", (UG, GRAD)),
    (SILVER, "Social Work", (UG, GRAD)),
    (STEINHARDT, "Steinhardt", (UG, GRAD)),
    (TANDON, "Tandon", (UG, GRAD)),
    (TISCH, "Tisch", (UG, GRAD)),
    (NON_SCHOOL, "Non-School", (UG,)),
)

#: Course-code suffix -> school, abridged from the scraper's SCHOOL_CODE_TO_NAME (§4.4).
SUFFIX_SCHOOL: dict[str, str] = {
    "UA": CAS,
    "GA": GSAS,
    "UG": GALLATIN,
    "UB": STERN,
    "GB": STERN,
    "UE": STEINHARDT,
    "GE": STEINHARDT,
    "UN": NURSING,
    "GN": NURSING,
    "UT": TISCH,
    "GT": TISCH,
    "UY": TANDON,
    "GY": TANDON,
    "GU": GPH,
    "GP": WAGNER,
    "LW": LAW,
}


def course_level(prefix: str) -> str:
    """Level as the scraper derives it: suffixes starting with U are undergraduate, G*/LW graduate."""
    return UG if prefix.split("-")[1].startswith("U") else GRAD


# ---------------------------------------------------------------------------------------------------------
# The course catalog (hand-curated; titles follow NYU's bulletin style)
# ---------------------------------------------------------------------------------------------------------

#: (number, title, focus) or (number, title, focus, credits). ``focus`` is a noun phrase turned into the
#: description; a focus ending in "." is used verbatim.
CourseSpec = tuple[Any, ...]


@dataclass(frozen=True)
class Subject:
    """One bulletin subject page, e.g. ``https://bulletins.nyu.edu/courses/csci_ua/``."""

    prefix: str
    program_name: str
    category: str  # picks the flavour of the description's second sentence
    rooms: str  # key into ROOMS
    default_credits: int
    courses: tuple[CourseSpec, ...]


SUBJECTS: tuple[Subject, ...] = (
    Subject("CSCI-UA", "Computer Science", "cs", "cas_cs", 4, (
        (2, "Introduction to Computer Programming (No Prior Experience)",
         "programming fundamentals in Python for students with no prior experience: variables, conditionals, "
         "loops, functions and lists"),
        (3, "Introduction to Computer Programming (Limited Prior Experience)",
         "a faster-paced first course in Python covering functions, files, dictionaries and simple "
         "object-oriented design"),
        (4, "Introduction to Web Design and Computer Principles",
         "how the web works, HTML and CSS page layout, basic JavaScript and the principles behind everyday "
         "computing"),
        (60, "Database Design and Implementation",
         "relational data modelling, SQL queries and the design of small database-backed applications"),
        (61, "Web Development and Programming",
         "client- and server-side web programming with JavaScript, HTTP and a modern web framework"),
        (101, "Introduction to Computer Science",
         "problem solving and programming in Java: control flow, methods, arrays, recursion and a first look "
         "at objects"),
        (102, "Data Structures",
         "the design, implementation and analysis of lists, stacks, queues, trees, hash tables and graphs in "
         "Java"),
        (201, "Computer Systems Organization",
         "how programs run on real machines: C, data representation, assembly language, the memory hierarchy "
         "and linking"),
        (202, "Operating Systems",
         "processes, threads, scheduling, synchronization, virtual memory and file systems, with programming "
         "projects in C"),
        (310, "Basic Algorithms",
         "asymptotic analysis, divide and conquer, greedy methods, dynamic programming and graph algorithms"),
        (330, "Introduction to Computer Simulation",
         "discrete-event and continuous simulation of physical and social systems through numerical "
         "experiments"),
        (380, "Special Topics: Computing for Social Good",
         "software projects built with community and non-profit partners, from requirements gathering to "
         "deployment"),
        (421, "Numerical Computing",
         "floating-point arithmetic, linear systems, least squares, interpolation and numerical integration in "
         "Python"),
        (430, "Agile Software Development and DevOps",
         "iterative team development, version-control workflows, continuous integration and automated "
         "deployment"),
        (443, "Computer Graphics",
         "2D and 3D transformations, rasterization, shading, texture mapping and the modern GPU pipeline"),
        (444, "Human-Computer Interaction",
         "user research, prototyping, usability testing and the design of interactive systems"),
        (453, "Theory of Computation",
         "finite automata, regular and context-free languages, Turing machines, decidability and "
         "NP-completeness"),
        (460, "Parallel Computing",
         "shared-memory and message-passing parallel programming, performance analysis and GPU computing"),
        (461, "Computer Architecture",
         "instruction set design, pipelining, caches, memory systems and multicore processors"),
        (462, "Computer Networks",
         "the Internet protocol stack, routing, congestion control, wireless networks and socket programming"),
        (463, "Mobile Application Development",
         "native and cross-platform mobile apps, with attention to interface design and device APIs"),
        (464, "Game Development",
         "game engines, real-time update loops and physics, built into playable prototypes by small teams"),
        (465, "Introduction to Robotics",
         "kinematics, sensing, motion planning and control for mobile robots, with hands-on lab exercises"),
        (467, "Applied Internet Technology",
         "full-stack web applications with Node.js, databases, authentication and cloud deployment"),
        (469, "Compilers",
         "lexical analysis, parsing, semantic analysis, intermediate representations and code generation"),
        (470, "Object Oriented Programming",
         "object-oriented design in Java and C++, including inheritance, generics and design patterns"),
        (471, "Programming Languages",
         "syntax, semantics and implementation of programming languages across functional, imperative and "
         "object-oriented paradigms"),
        (472, "Artificial Intelligence",
         "search, game playing, knowledge representation, probabilistic reasoning and an introduction to "
         "machine learning"),
        (473, "Fundamentals of Machine Learning",
         "supervised and unsupervised learning, linear models, kernels, neural networks and model evaluation"),
        (474, "Software Engineering",
         "requirements, design, testing and maintenance of large software systems built by teams"),
        (475, "Predictive Analytics",
         "statistical and machine-learning models for forecasting, with case studies from business and public "
         "policy"),
        (476, "Processing Big Data for Analytics Applications",
         "distributed data processing with MapReduce, Spark and cloud storage for large analytics workloads"),
        (478, "Introduction to Cryptography",
         "the mathematics of encryption, hashing, digital signatures and provable security"),
        (479, "Data Management and Analysis",
         "data cleaning, wrangling, visualization and analysis with Python and SQL"),
        (480, "Special Topics: Natural Language Processing",
         "computational models of language, from n-grams and parsing to neural language models"),
        (481, "Special Topics: Computational Biology",
         "algorithms for sequence alignment, genome assembly, phylogenetics and biological networks"),
        (482, "Special Topics: Deep Learning",
         "convolutional, recurrent and transformer networks, optimization and practical training techniques"),
        (490, "Special Topics: Distributed Systems",
         "fault tolerance, replication, consensus and the design of large-scale distributed services"),
        (520, "Undergraduate Research",
         "a supervised research project carried out with a member of the computer science faculty", 2),
        (997, "Independent Study",
         "independent reading or project work under faculty supervision", 2),
    )),
    Subject("MATH-UA", "Mathematics", "math", "cas_math", 4, (
        (9, "Algebra, Trigonometry, and Functions",
         "algebraic manipulation, functions and their graphs, exponentials, logarithms and trigonometry in "
         "preparation for calculus"),
        (120, "Discrete Mathematics",
         "logic, proof techniques, sets, functions, counting, induction, relations and graphs"),
        (121, "Calculus I",
         "limits, derivatives and their applications, and a first look at integration"),
        (122, "Calculus II",
         "techniques and applications of integration, sequences, series and Taylor expansions"),
        (123, "Calculus III",
         "vectors, partial derivatives, multiple integrals and the theorems of Green, Stokes and Gauss"),
        (129, "Honors Calculus III",
         "a rigorous treatment of multivariable calculus for students intending advanced study in "
         "mathematics"),
        (131, "Mathematics for Economics I",
         "differential calculus of one and several variables with applications to economic models"),
        (132, "Mathematics for Economics II",
         "integration, linear algebra and constrained optimization for economics students"),
        (133, "Mathematics for Economics III",
         "dynamic optimization, difference equations and differential equations with economic applications"),
        (140, "Linear Algebra",
         "systems of linear equations, matrices, vector spaces, determinants, eigenvalues and orthogonality"),
        (148, "Honors Linear Algebra",
         "abstract vector spaces, linear maps, canonical forms and inner product spaces, with an emphasis on "
         "proof"),
        (233, "Theory of Probability",
         "probability spaces, random variables, expectation, limit theorems and Markov chains"),
        (234, "Mathematical Statistics",
         "estimation, confidence intervals, hypothesis testing and linear regression from a mathematical point "
         "of view"),
        (235, "Probability and Statistics",
         "a one-semester course on probability models and statistical inference"),
        (240, "Combinatorics",
         "enumeration, generating functions, inclusion-exclusion, graph theory and designs"),
        (248, "Theory of Numbers",
         "divisibility, congruences, quadratic reciprocity, arithmetic functions and Diophantine equations"),
        (250, "Mathematics of Finance",
         "interest rates, arbitrage, binomial trees and the Black-Scholes model for pricing derivatives"),
        (251, "Introduction to Mathematical Modeling",
         "building and analysing mathematical models of problems from biology, physics and the social "
         "sciences"),
        (252, "Numerical Analysis",
         "root finding, interpolation, numerical differentiation and integration, and numerical linear algebra"),
        (262, "Ordinary Differential Equations",
         "first-order equations, linear systems, stability, phase-plane analysis and series solutions"),
        (263, "Partial Differential Equations",
         "the heat, wave and Laplace equations, separation of variables and Fourier series"),
        (264, "Chaos and Dynamical Systems",
         "iterated maps, bifurcations, fractals and chaotic behaviour in nonlinear systems"),
        (270, "Transformations and Geometries",
         "Euclidean, affine, projective and non-Euclidean geometries studied through their transformation "
         "groups"),
        (282, "Functions of a Complex Variable",
         "complex numbers, analytic functions, contour integration, residues and conformal mapping"),
        (325, "Analysis",
         "the real numbers, sequences, continuity, differentiation and the Riemann integral, with rigorous "
         "proofs"),
        (326, "Analysis II",
         "uniform convergence, metric spaces, multivariable differentiation and the implicit function theorem"),
        (328, "Honors Analysis I",
         "an accelerated, more abstract treatment of real analysis for prospective graduate students"),
        (343, "Algebra",
         "groups, subgroups, homomorphisms, rings, ideals and fields"),
        (344, "Algebra II",
         "field extensions, Galois theory and modules over principal ideal domains"),
        (348, "Honors Algebra I",
         "an in-depth treatment of groups and rings for students with strong proof-writing experience"),
        (375, "Topology",
         "topological spaces, continuity, compactness, connectedness and the fundamental group"),
        (377, "Differential Geometry",
         "curves and surfaces in space, curvature, geodesics and the Gauss-Bonnet theorem"),
        (397, "Senior Seminar in Mathematics",
         "student presentations on selected topics in modern mathematics"),
    )),
    Subject("DS-UA", "Data Science", "cs", "cas_ds", 4, (
        (111, "Data Science for Everyone",
         "the core ideas of data science, from asking questions and collecting data to visualization and "
         "simple prediction, with no programming background assumed"),
        (112, "Introduction to Data Science",
         "data collection, wrangling, visualization and modelling in Python, with an emphasis on reproducible "
         "analysis"),
        (120, "Mathematics for Data Science",
         "the linear algebra, calculus and probability that underlie common data science methods"),
        (201, "Causal Inference",
         "randomized experiments, observational studies, matching, instrumental variables and "
         "difference-in-differences"),
        (202, "Responsible Data Science",
         "fairness, privacy, transparency and accountability in data-driven systems"),
        (203, "Data Visualization",
         "principles of visual encoding and interactive visualization of complex data sets"),
        (204, "Statistical Learning",
         "regression, classification, resampling and regularization with an applied focus"),
        (301, "Advanced Topics in Data Science: Deep Learning",
         "neural network architectures for vision and language, trained on GPUs with modern frameworks"),
        (302, "Advanced Topics in Data Science: Machine Learning for Healthcare",
         "predictive modelling with clinical data, from electronic health records to medical imaging"),
        (303, "Advanced Topics in Data Science: Computational Social Science",
         "large-scale social data, networks and text as a lens on human behaviour"),
        (400, "Data Science Capstone",
         "team projects applying data science methods to a real problem posed by an outside partner"),
    )),
    Subject("PHYS-UA", "Physics", "sci", "cas_sci", 4, (
        (11, "General Physics I",
         "mechanics, energy, momentum, rotational motion and oscillations for students in the life sciences"),
        (12, "General Physics II",
         "electricity, magnetism, optics and modern physics for students in the life sciences"),
        (71, "Intermediate Experimental Physics I",
         "laboratory technique, data acquisition and error analysis through experiments in classical and "
         "modern physics", 2),
        (72, "Intermediate Experimental Physics II",
         "advanced experiments in optics, atomic physics and condensed matter, written up as formal reports",
         2),
        (91, "Physics I",
         "calculus-based Newtonian mechanics, conservation laws, rotational dynamics and gravitation"),
        (93, "Physics II",
         "electric and magnetic fields, circuits, Maxwell's equations and electromagnetic waves"),
        (95, "Physics III",
         "thermodynamics, waves, special relativity and a first look at quantum physics"),
        (106, "Mathematical Physics",
         "vector calculus, linear algebra, Fourier analysis and special functions as used throughout physics"),
        (120, "Dynamics",
         "Lagrangian and Hamiltonian mechanics, central forces, rigid bodies and small oscillations"),
        (123, "Quantum Mechanics I",
         "wave mechanics, the Schrodinger equation, angular momentum and the hydrogen atom"),
        (124, "Quantum Mechanics II",
         "perturbation theory, identical particles, scattering and applications to atoms and solids"),
        (131, "Electricity and Magnetism",
         "electrostatics, magnetostatics, electrodynamics and radiation using vector calculus"),
        (140, "Thermal and Statistical Physics",
         "the laws of thermodynamics, ensembles, partition functions and quantum statistics"),
        (180, "Introduction to Astrophysics",
         "stellar structure and evolution, galaxies and the large-scale structure of the universe"),
        (210, "Condensed Matter Physics",
         "crystal structure, electrons in solids, semiconductors, magnetism and superconductivity"),
        (220, "Particle Physics",
         "the Standard Model, symmetries, quarks and leptons, and experimental methods at colliders"),
        (230, "General Relativity and Cosmology",
         "spacetime geometry, black holes, gravitational waves and the expanding universe"),
        (250, "Biophysics",
         "the physical principles of biological systems, from molecular motors to membranes"),
    )),
    Subject("CHEM-UA", "Chemistry", "sci", "cas_sci", 4, (
        (120, "Introduction to Modern Chemistry",
         "atomic structure, stoichiometry and chemical reactions for students with little chemistry "
         "background"),
        (125, "General Chemistry I",
         "atoms, molecules, stoichiometry, gases, thermochemistry and periodic trends"),
        (126, "General Chemistry II",
         "kinetics, equilibrium, acids and bases, electrochemistry and thermodynamics"),
        (225, "Organic Chemistry I",
         "structure, bonding, stereochemistry and reactions of alkanes, alkenes and alkyl halides"),
        (226, "Organic Chemistry II",
         "aromatic compounds, carbonyl chemistry, spectroscopy and multistep synthesis"),
        (227, "Organic Chemistry Laboratory",
         "hands-on techniques of separation, purification and synthesis of organic compounds", 2),
        (651, "Physical Chemistry: Quantum Mechanics and Spectroscopy",
         "the quantum mechanics of atoms and molecules and its application to spectroscopy"),
        (652, "Physical Chemistry: Thermodynamics and Kinetics",
         "chemical thermodynamics, statistical mechanics and reaction kinetics"),
        (661, "Analytical Chemistry",
         "quantitative analysis, instrumental methods, chromatography and electroanalytical techniques"),
        (701, "Inorganic Chemistry",
         "symmetry, coordination compounds, organometallic chemistry and bioinorganic systems"),
        (711, "Environmental Chemistry",
         "the chemistry of air, water and soil, pollution and green chemistry"),
        (881, "Biochemistry I",
         "protein structure, enzyme kinetics, metabolism and bioenergetics"),
        (882, "Biochemistry II",
         "nucleic acids, gene expression, signal transduction and metabolic regulation"),
        (890, "Medicinal Chemistry",
         "drug discovery, structure-activity relationships and pharmacokinetics"),
        (997, "Independent Study",
         "laboratory research under the supervision of a member of the chemistry faculty", 2),
    )),
    Subject("BIOL-UA", "Biology", "sci", "cas_sci", 4, (
        (11, "Principles of Biology I",
         "cell structure, biochemistry, genetics and molecular biology"),
        (12, "Principles of Biology II",
         "evolution, ecology, organismal diversity and physiology"),
        (21, "Molecular and Cell Biology I",
         "the molecular organization of cells, membranes, protein trafficking and the cytoskeleton"),
        (22, "Molecular and Cell Biology II",
         "the cell cycle, signalling, gene regulation and cancer at the molecular level"),
        (30, "Genetics",
         "Mendelian and molecular genetics, recombination, mutation and genetic analysis of model organisms"),
        (63, "Ecology",
         "populations, communities, ecosystems and the interactions that shape biodiversity"),
        (123, "Immunology",
         "innate and adaptive immunity, antibodies, T cells and immune disorders"),
        (127, "Developmental Biology",
         "how a single cell becomes an organism: patterning, differentiation and morphogenesis"),
        (130, "Microbiology",
         "bacterial and viral biology, microbial genetics and the human microbiome"),
        (140, "Neurobiology",
         "neurons, synapses, sensory systems and the neural basis of behaviour"),
        (150, "Evolution",
         "natural selection, population genetics, speciation and the history of life"),
        (160, "Bioinformatics",
         "computational analysis of DNA and protein sequences and genome-scale data"),
        (170, "Physiology",
         "the function of organ systems, homeostasis and integrative human physiology"),
        (180, "Genomics",
         "genome sequencing, functional genomics and the analysis of gene expression data"),
        (190, "Cancer Biology",
         "oncogenes, tumour suppressors, metastasis and modern cancer therapies"),
        (200, "Plant Biology",
         "plant structure, development, physiology and responses to the environment"),
        (997, "Independent Study",
         "laboratory or field research supervised by a member of the biology faculty", 2),
    )),
    Subject("PSYCH-UA", "Psychology", "soc", "cas_psych", 4, (
        (1, "Introduction to Psychology",
         "perception, memory, learning, development, personality and social behaviour as subjects of "
         "scientific inquiry"),
        (10, "Statistical Reasoning for the Behavioral Sciences",
         "descriptive statistics, probability, hypothesis testing and regression for psychology research"),
        (11, "Research Methods in Psychology",
         "experimental design, measurement, research ethics and the writing of research reports"),
        (22, "Perception",
         "how the visual, auditory and other sensory systems construct our experience of the world"),
        (25, "Cognitive Neuroscience",
         "the brain systems underlying attention, memory, language and decision making"),
        (29, "Cognition",
         "attention, memory, categorization, reasoning and problem solving"),
        (32, "Social Psychology",
         "attitudes, persuasion, group behaviour, prejudice and interpersonal relationships"),
        (34, "Developmental Psychology",
         "cognitive, social and emotional development from infancy through adolescence"),
        (35, "Personality",
         "theories and research on individual differences, traits and the self"),
        (51, "Abnormal Psychology",
         "the classification, causes and treatment of psychological disorders"),
        (52, "Health Psychology",
         "stress, coping, health behaviour and the psychology of illness"),
        (56, "Psychology of Language",
         "how people produce, comprehend and acquire language"),
        (71, "Industrial and Organizational Psychology",
         "motivation, leadership, personnel selection and well-being in the workplace"),
        (300, "Advanced Seminar in Social Psychology",
         "close reading of current research on social cognition and intergroup relations"),
        (310, "Advanced Seminar in Cognition",
         "current debates in memory, reasoning and decision research"),
        (320, "Laboratory in Developmental Psychology",
         "hands-on research with children and families, from study design to data analysis"),
        (330, "Advanced Seminar in Clinical Psychology",
         "evidence-based treatments, diagnosis and the science behind psychotherapy"),
    )),
    Subject("PHIL-UA", "Philosophy", "hum", "cas_hum", 4, (
        (1, "Central Problems in Philosophy",
         "knowledge, mind, free will, personal identity and morality through classic and contemporary "
         "readings"),
        (4, "Life and Death",
         "the nature of death, the value of life, immortality and the ethics of killing"),
        (5, "Minds and Machines",
         "whether machines can think, the computational theory of mind and the problem of consciousness"),
        (20, "History of Ancient Philosophy",
         "the Presocratics, Plato and Aristotle on knowledge, reality and the good life"),
        (21, "History of Modern Philosophy",
         "Descartes, Spinoza, Leibniz, Locke, Berkeley, Hume and Kant"),
        (40, "Ethics",
         "theories of right action and the good, including consequentialism, deontology and virtue ethics"),
        (45, "Political Philosophy",
         "justice, liberty, equality and the legitimacy of the state"),
        (50, "Bioethics",
         "moral questions in medicine and biotechnology, from informed consent to genetic enhancement"),
        (70, "Logic",
         "sentential and first-order logic, formal proofs and elementary metatheory"),
        (76, "Metaphysics",
         "existence, identity, causation, time and modality"),
        (78, "Epistemology",
         "knowledge, justification, skepticism and the structure of reasons"),
        (80, "Philosophy of Mind",
         "the mind-body problem, consciousness, mental content and the nature of perception"),
        (85, "Philosophy of Language",
         "meaning, reference, truth and communication"),
        (90, "Philosophy of Science",
         "explanation, confirmation, laws of nature and scientific realism"),
        (101, "Topics in Ethics",
         "a seminar on a contemporary debate in moral philosophy; the topic changes each semester."),
    )),
    Subject("HIST-UA", "History", "hum", "cas_hum", 4, (
        (9, "Introduction to World History",
         "connections between societies across the globe from the ancient world to the present"),
        (10, "The Modern World",
         "revolutions, empires, industrialization and globalization since 1750"),
        (101, "The United States to 1865",
         "colonial settlement, revolution, slavery, westward expansion and the Civil War"),
        (102, "The United States since 1865",
         "Reconstruction, industrialization, the world wars, civil rights and the recent past"),
        (111, "Medieval Europe",
         "the transformation of the Roman world, feudal society, the church and the rise of towns"),
        (112, "Renaissance and Reformation Europe",
         "humanism, religious reform, print culture and the formation of early modern states"),
        (120, "Modern Europe",
         "revolution, nationalism, empire and the world wars from 1789 to the present"),
        (137, "History of New York City",
         "the growth of the city from Lenapehoking and New Amsterdam to the present"),
        (200, "The Atlantic World",
         "the linked histories of Europe, Africa and the Americas from 1450 to 1850"),
        (205, "Colonial Latin America",
         "conquest, colonial society, indigenous communities and the road to independence"),
        (220, "Modern China",
         "the late Qing, revolution, the People's Republic and the reform era"),
        (223, "Modern Japan",
         "the Meiji Restoration, empire, war, occupation and postwar society"),
        (230, "The Middle East since 1800",
         "the Ottoman Empire, colonialism, nationalism and the modern states of the region"),
        (250, "Africa since 1800",
         "colonial rule, independence movements and postcolonial politics"),
        (270, "History of Science and Technology",
         "how scientific knowledge and technologies have shaped, and been shaped by, society"),
        (300, "Historical Methods",
         "archives, evidence and the craft of writing history"),
        (400, "Senior Seminar in History",
         "a research seminar culminating in an original paper based on primary sources"),
    )),
    Subject("ECON-UA", "Economics", "soc", "cas_soc", 4, (
        (1, "Introduction to Macroeconomics",
         "national income, unemployment, inflation, monetary and fiscal policy, and long-run growth"),
        (2, "Introduction to Microeconomics",
         "supply and demand, consumer and firm behaviour, market structure and welfare"),
        (10, "Intermediate Microeconomics",
         "consumer and producer theory, general equilibrium, uncertainty and market failure"),
        (11, "Intermediate Microeconomics (Theory)",
         "a calculus-based treatment of choice, markets and strategic behaviour for the theory track"),
        (12, "Intermediate Macroeconomics",
         "economic growth, business cycles, monetary policy and open-economy macroeconomics"),
        (13, "Intermediate Macroeconomics (Theory)",
         "dynamic general-equilibrium models of growth and fluctuations for the theory track"),
        (18, "Statistics",
         "probability, sampling distributions, estimation and hypothesis testing for economics"),
        (20, "Econometrics",
         "linear regression, instrumental variables, panel data and causal inference with economic data"),
        (205, "History of Economic Thought",
         "the development of economic ideas from Adam Smith to the twentieth century"),
        (213, "Labor Economics",
         "labour supply and demand, human capital, wages, discrimination and unions"),
        (215, "Urban Economics",
         "why cities exist, housing markets, transportation and local public finance"),
        (220, "Public Economics",
         "taxation, public goods, externalities and social insurance programs"),
        (225, "International Trade",
         "comparative advantage, trade policy, globalization and multinational firms"),
        (226, "International Finance",
         "exchange rates, the balance of payments and the international monetary system"),
        (227, "Economic Development",
         "poverty, growth and institutions in developing economies"),
        (231, "Money and Banking",
         "financial intermediation, central banking and the conduct of monetary policy"),
        (238, "Games of Strategy",
         "game theory and its applications to economics, politics and everyday strategic situations"),
        (250, "Industrial Organization",
         "market power, pricing strategies, mergers and antitrust policy"),
        (266, "Financial Economics",
         "asset pricing, portfolio choice, market efficiency and corporate finance"),
        (275, "Environmental Economics",
         "pollution, climate policy, cap-and-trade and the valuation of natural resources"),
        (325, "Behavioral Economics",
         "biases, heuristics, time inconsistency and social preferences in economic decision making"),
        (350, "Economic Forecasting",
         "time-series models and the forecasting of macroeconomic and financial data"),
        (400, "Honors Seminar in Economics",
         "an honors research seminar in which students develop a senior thesis"),
    )),
    Subject("EXPOS-UA", "Expository Writing", "writing", "cas_hum", 4, (
        (1, "Writing as Inquiry",
         "writing as a means of inquiry: students read closely, develop ideas through drafts and revise essays "
         "in response to feedback"),
        (4, "International Writing Workshop I",
         "academic writing for multilingual students, building fluency, argument and revision skills"),
        (5, "Writing the Essay: Art and the World",
         "an essay course built around visits to museums, performances and the city itself"),
        (9, "International Writing Workshop II",
         "a second workshop for multilingual writers focused on research, synthesis and longer essays"),
        (13, "The Advanced College Essay",
         "longer, research-based essays for students who have completed first-year writing"),
        (15, "Writing the Essay: Science and Society",
         "essays on the social stakes of scientific ideas and new technologies"),
    )),
    Subject("CORE-UA", "Core Curriculum", "hum", "cas_core", 4, (
        (105, "Quantitative Reasoning: Mathematical Patterns in Nature",
         "symmetry, growth, chaos and the mathematics hidden in natural forms"),
        (109, "Quantitative Reasoning: Statistics and Decision Making",
         "how numbers, risk and probability inform choices in medicine, law and public life"),
        (204, "Physical Science: How Things Work",
         "the physics behind everyday technologies, from microwaves to smartphones"),
        (214, "Physical Science: Energy and the Environment",
         "energy resources, climate and the physical science of sustainability"),
        (306, "Life Science: Brain and Behavior",
         "what neuroscience reveals about perception, emotion, memory and decision making"),
        (312, "Life Science: Evolution of the Human Diet",
         "how food, cooking and agriculture shaped human biology"),
        (400, "Texts and Ideas: Antiquity and the Medieval World",
         "foundational texts from Homer and the Hebrew Bible to Dante"),
        (401, "Texts and Ideas: The Modern World",
         "major works of philosophy and literature from Montaigne to Arendt"),
        (500, "Cultures and Contexts: The Caribbean",
         "Caribbean societies from the colonial plantation to the modern diaspora"),
        (515, "Cultures and Contexts: Medieval Islam",
         "law, science and literature in the Islamic world from the seventh to the fifteenth century"),
        (700, "Expressive Culture: Words",
         "how poems, plays and novels make meaning"),
        (711, "Expressive Culture: Images",
         "painting, photography and film as ways of seeing"),
        (720, "Expressive Culture: Sounds",
         "listening to music across genres, from the concert hall to the street"),
        (730, "Expressive Culture: Performance",
         "theatre, dance and performance art as live events in New York City"),
    )),
    Subject("ENGL-UA", "English", "hum", "cas_hum", 4, (
        (101, "Literary Interpretation",
         "close reading of poetry, fiction and drama and the writing of critical essays"),
        (102, "Introduction to Literary Theory",
         "formalism, structuralism, psychoanalysis, Marxism and feminist criticism"),
        (210, "British Literature I",
         "English literature from Beowulf through the eighteenth century"),
        (211, "British Literature II",
         "Romantic, Victorian and modernist writing in Britain"),
        (230, "American Literature I",
         "American writing from the colonial period to the Civil War"),
        (231, "American Literature II",
         "American literature from Reconstruction to the present"),
        (252, "Shakespeare",
         "the comedies, histories and tragedies, read alongside their performance history"),
        (260, "The Novel",
         "the rise and transformations of the novel as a form"),
        (270, "Poetry and Poetics",
         "prosody, form and the history of lyric poetry in English"),
        (300, "Topics in Literature: The Gothic",
         "haunted houses, doubles and monsters from Walpole to contemporary horror"),
        (310, "Postcolonial Literature",
         "writing from South Asia, Africa and the Caribbean after empire"),
        (400, "Senior Seminar in English",
         "an intensive seminar culminating in a substantial critical essay"),
    )),
    Subject("POL-UA", "Politics", "soc", "cas_soc", 4, (
        (100, "Political Theory",
         "classic arguments about justice, authority and freedom from Plato to Rawls"),
        (300, "Power and Politics in America",
         "American political institutions, parties, elections and public opinion"),
        (330, "The American Presidency",
         "the powers of the presidency and its relations with Congress, the courts and the public"),
        (332, "Congress",
         "how Congress is elected, organized and makes law"),
        (335, "Public Opinion and Elections",
         "how citizens form political views and how campaigns try to change them"),
        (500, "Comparative Politics",
         "democracy, authoritarianism, institutions and political development across countries"),
        (530, "Politics of the Middle East",
         "state formation, authoritarian resilience and social movements in the Middle East"),
        (540, "Latin American Politics",
         "democratization, populism and economic reform in Latin America"),
        (700, "International Politics",
         "war, cooperation, international institutions and the balance of power"),
        (720, "International Political Economy",
         "the politics of trade, finance, development and globalization"),
        (800, "Quantitative Political Analysis",
         "statistical methods for political science, from descriptive statistics to regression"),
        (850, "Game Theory and Politics",
         "formal models of voting, bargaining, conflict and institutions"),
    )),
    Subject("LING-UA", "Linguistics", "soc", "cas_hum", 4, (
        (1, "Language",
         "the scientific study of human language: sounds, words, sentences, meaning and variation"),
        (3, "Language and Mind",
         "how language is represented and processed in the mind and brain"),
        (4, "Grammatical Analysis",
         "morphological and syntactic analysis of data from a wide range of languages"),
        (11, "Phonetics",
         "the articulation, acoustics and perception of speech sounds"),
        (12, "Phonology",
         "sound patterns across languages and the formal theories that describe them"),
        (13, "Syntax",
         "the structure of sentences and the principles that constrain it"),
        (14, "Semantics",
         "compositional meaning, quantification, tense and the interface with pragmatics"),
        (18, "Sociolinguistics",
         "language variation and change, dialects and language in society"),
        (24, "Computational Linguistics",
         "formal grammars, parsing and statistical models of language"),
    )),
    Subject("SOC-UA", "Sociology", "soc", "cas_soc", 4, (
        (1, "Introduction to Sociology",
         "social structure, inequality, institutions and social change"),
        (2, "Social Problems",
         "poverty, crime, health and housing as social problems and the policies that address them"),
        (111, "Urban Sociology",
         "cities, neighbourhoods, segregation and gentrification"),
        (131, "Sociology of Education",
         "schools, stratification and educational opportunity"),
        (137, "Race and Ethnicity",
         "the social construction of race and ethnic inequality in the United States"),
        (301, "Research Methods",
         "surveys, interviews, ethnography and the design of sociological research"),
        (302, "Sociological Theory",
         "classical and contemporary social theory from Marx, Weber and Durkheim onward"),
        (303, "Social Statistics",
         "quantitative analysis of social data with regression and cross-tabulation"),
    )),
    Subject("IDSEM-UG", "Interdisciplinary Seminars", "hum", "gallatin", 4, (
        (1605, "Interdisciplinary Seminar: Utopias",
         "visions of ideal societies in philosophy, fiction and political movements"),
        (1720, "Interdisciplinary Seminar: The City as Text",
         "reading New York through literature, maps, architecture and walking"),
        (1811, "Interdisciplinary Seminar: Science and Its Publics",
         "how scientific knowledge circulates through media, museums and politics"),
        (1904, "Interdisciplinary Seminar: Archives of Memory",
         "monuments, museums and archives as sites of collective memory"),
    )),
    Subject("CS-UY", "Computer Science", "cs", "tandon", 4, (
        (1114, "Intro to Programming & Problem Solving",
         "problem solving and programming in Python for engineering students, with weekly lab assignments"),
        (1134, "Data Structures and Algorithms",
         "lists, trees, heaps, hash tables and graphs, with recursion and algorithm analysis in Python"),
        (2124, "Object Oriented Programming",
         "object-oriented design in C++: classes, inheritance, polymorphism, templates and memory management"),
        (2204, "Digital Logic and State Machine Design",
         "Boolean algebra, combinational and sequential circuits and finite state machines"),
        (2214, "Computer Architecture and Organization",
         "data representation, assembly language, processor datapaths and the memory hierarchy"),
        (2413, "Design and Analysis of Algorithms",
         "algorithm design paradigms, graph algorithms and NP-completeness"),
        (3083, "Introduction to Databases",
         "relational design, SQL, normalization, transactions and database-backed application development"),
        (3113, "Introduction to Game Programming",
         "2D and 3D game programming with an emphasis on game loops, physics and rendering"),
        (3224, "Introduction to Operating Systems",
         "processes, concurrency, memory management, file systems and protection"),
        (3254, "Parallel and Distributed Computing",
         "threads, message passing and the design of scalable distributed programs"),
        (3923, "Computer Security",
         "threat models, memory-safety vulnerabilities, web security, authentication and applied "
         "cryptography"),
        (3943, "Special Topics in Computer Science",
         "an advanced topic chosen by the instructor; recent offerings include quantum computing and "
         "blockchain systems."),
        (4513, "Software Engineering",
         "software process, requirements, design, testing and team projects"),
        (4523, "Design Project",
         "a capstone design project completed in teams under faculty supervision"),
        (4533, "Interactive Computer Graphics",
         "real-time rendering with OpenGL, shaders, lighting and animation"),
        (4543, "Human Computer Interaction",
         "user-centred design, prototyping and the evaluation of interfaces"),
        (4563, "Introduction to Machine Learning",
         "regression, classification, neural networks and model selection"),
        (4613, "Artificial Intelligence",
         "search, constraint satisfaction, planning and reasoning under uncertainty"),
        (4753, "Application Security",
         "secure software development, static analysis, fuzzing and supply-chain attacks"),
        (4783, "Applied Cryptography",
         "symmetric and public-key cryptography and their use in real protocols"),
        (4793, "Computer Networking",
         "network architecture, TCP/IP, routing and network programming"),
        (4923, "Introduction to Computer Vision",
         "image formation, feature detection, geometry and recognition"),
    )),
    Subject("MA-UY", "Mathematics", "math", "tandon", 4, (
        (914, "Precalculus",
         "functions, graphs, trigonometry and algebraic skills needed for engineering calculus"),
        (1024, "Calculus I for Engineers",
         "limits, derivatives and integrals with applications drawn from engineering"),
        (1124, "Calculus II for Engineers",
         "integration techniques, sequences, series and parametric curves"),
        (2034, "Linear Algebra and Differential Equations",
         "matrices, eigenvalues and linear ordinary differential equations"),
        (2114, "Calculus III: Multi-Dimensional Calculus",
         "partial derivatives, multiple integrals and vector calculus"),
        (2224, "Data Analysis",
         "descriptive statistics, probability and the analysis of engineering data"),
        (2314, "Discrete Mathematics",
         "logic, sets, proofs, combinatorics and graphs for computer science"),
        (3014, "Applied Probability",
         "random variables, distributions, expectation and limit theorems with applications"),
        (3044, "Linear Algebra",
         "vector spaces, linear transformations, eigenvalues and orthogonality"),
        (3054, "Probability and Stochastic Processes",
         "Markov chains, Poisson processes and queueing models"),
        (3114, "Advanced Calculus I",
         "a rigorous treatment of limits, continuity, differentiation and integration"),
        (3204, "Ordinary Differential Equations",
         "existence and uniqueness, linear systems, stability and Laplace transforms"),
        (3514, "Applied Statistics",
         "regression, analysis of variance and experimental design"),
        (4424, "Numerical Analysis",
         "numerical methods for equations, interpolation, integration and linear systems"),
    )),
    Subject("ECE-UY", "Electrical and Computer Engineering", "sci", "tandon", 4, (
        (2004, "Fundamentals of Electric Circuits",
         "circuit laws, network theorems, transient response and AC steady-state analysis"),
        (2233, "Signals and Systems",
         "continuous and discrete-time signals, convolution, Fourier and Laplace transforms"),
        (3114, "Fundamentals of Electronics I",
         "diodes, transistors and amplifier design"),
        (3124, "Fundamentals of Electronics II",
         "multistage amplifiers, feedback, oscillators and integrated circuits"),
        (3544, "Introduction to Communication Systems",
         "modulation, noise, sampling and digital communication"),
        (4144, "Introduction to Embedded Systems Design",
         "microcontrollers, interfacing, real-time programming and sensor systems"),
        (4563, "Digital Signal Processing",
         "sampling, the z-transform, the discrete Fourier transform and digital filter design"),
    )),
    Subject("CS-GY", "Computer Science", "cs", "tandon_grad", 3, (
        (5303, "Introduction to Programming and Problem Solving",
         "an accelerated bridge course in Python programming for graduate students from other fields"),
        (5403, "Data Structures and Algorithms",
         "a bridge course in core data structures and algorithm analysis"),
        (6003, "Foundations of Computer Science",
         "discrete mathematics, automata and complexity as background for graduate study"),
        (6033, "Design and Analysis of Algorithms I",
         "divide and conquer, dynamic programming, greedy algorithms, graph algorithms and NP-completeness"),
        (6043, "Design and Analysis of Algorithms II",
         "randomized, approximation and online algorithms and advanced data structures"),
        (6063, "Software Engineering I",
         "software life cycle, requirements, architecture, testing and project management"),
        (6083, "Principles of Database Systems",
         "relational algebra, SQL, normalization, indexing, query processing and transactions"),
        (6133, "Computer Security",
         "vulnerabilities, exploits, defences, authentication and secure system design"),
        (6233, "Introduction to Operating Systems",
         "processes, memory management, file systems and concurrency"),
        (6253, "Distributed Systems",
         "remote procedure calls, replication, consistency and consensus"),
        (6313, "Information Visualization",
         "perception, visual encoding, interaction and the visualization of large data sets"),
        (6373, "Programming Languages",
         "type systems, functional programming, semantics and language implementation"),
        (6413, "Compiler Design and Construction",
         "parsing, semantic analysis, optimization and code generation"),
        (6533, "Interactive Computer Graphics",
         "rendering pipelines, shaders, geometry processing and animation"),
        (6573, "Penetration Testing and Vulnerability Analysis",
         "reverse engineering, exploitation and the methodology of security assessments"),
        (6613, "Artificial Intelligence",
         "search, logic, planning, probabilistic models and learning"),
        (6643, "Computer Vision",
         "image processing, multi-view geometry, recognition and deep learning for vision"),
        (6763, "Algorithmic Machine Learning and Data Science",
         "sketching, dimensionality reduction and optimization algorithms for large data"),
        (6843, "Computer Networking",
         "protocol design, routing, congestion control and network measurement"),
        (6923, "Machine Learning",
         "linear models, kernels, trees, ensembles, neural networks and learning theory"),
        (6953, "Deep Learning",
         "deep neural architectures, optimization and applications to vision and language"),
        (9223, "Selected Topics in Data Science",
         "a rotating topic in large-scale data analysis chosen by the instructor."),
    )),
    Subject("CSCI-GA", "Computer Science", "cs", "gsas_cs", 3, (
        (1170, "Fundamental Algorithms",
         "sorting, searching, graph algorithms, dynamic programming and amortized analysis"),
        (2110, "Programming Languages",
         "functional, object-oriented and concurrent programming and the principles of language design"),
        (2130, "Compiler Construction",
         "building a compiler for a small language, from parsing to optimization"),
        (2250, "Operating Systems",
         "processes, scheduling, memory management, file systems and virtualization"),
        (2262, "Data Communications and Networks",
         "network architecture, protocols, routing and network programming"),
        (2270, "Computer Graphics",
         "rasterization, ray tracing, geometric modelling and shading"),
        (2271, "Computer Vision",
         "image formation, features, geometry, recognition and learning-based vision"),
        (2420, "Numerical Methods I",
         "numerical linear algebra, interpolation, quadrature and nonlinear equations"),
        (2421, "Numerical Methods II",
         "numerical solution of ordinary and partial differential equations"),
        (2433, "Database Systems",
         "data models, query languages, storage, indexing and transaction processing"),
        (2440, "Software Engineering",
         "the engineering of large software systems, from requirements to maintenance"),
        (2560, "Artificial Intelligence",
         "search, knowledge representation, planning, uncertainty and learning"),
        (2565, "Machine Learning",
         "supervised learning, kernel methods, graphical models and neural networks"),
        (2566, "Foundations of Machine Learning",
         "learning theory, PAC learning, VC dimension, boosting and online learning"),
        (2572, "Deep Learning",
         "representation learning, convolutional and sequence models, and generative models"),
        (2590, "Natural Language Processing",
         "language modelling, parsing, semantics and neural methods for text"),
        (2620, "Networks and Mobile Systems",
         "wireless networks, mobile computing and networked systems design"),
        (2621, "Distributed Systems",
         "communication, replication, consistency, fault tolerance and consensus"),
        (3033, "Special Topics: Big Data Systems",
         "the architecture of data-intensive systems such as key-value stores and dataflow engines"),
        (3205, "Applied Cryptography and Network Security",
         "cryptographic protocols and their use in securing networks"),
        (3520, "Honors Analysis of Algorithms",
         "advanced algorithm design and analysis with an emphasis on proofs"),
        (3812, "Information Technology Projects",
         "team projects building information systems for real clients"),
    )),
    Subject("DS-GA", "Data Science", "cs", "gsas_cs", 3, (
        (1001, "Introduction to Data Science",
         "the data science workflow, from problem formulation and data acquisition to modelling and "
         "communication"),
        (1002, "Statistical and Mathematical Methods",
         "probability, statistical inference and linear algebra for data science"),
        (1003, "Machine Learning",
         "empirical risk minimization, regularization, kernels, trees, boosting and neural networks"),
        (1004, "Big Data",
         "distributed storage and computation with Hadoop and Spark for large-scale analytics"),
        (1006, "Capstone Project and Presentation",
         "a semester-long team project applying data science to a real problem"),
        (1007, "Probability and Statistics for Data Science",
         "probability theory and statistical methods underlying modern data analysis"),
        (1008, "Deep Learning",
         "neural network architectures, optimization and representation learning"),
        (1011, "Natural Language Processing with Representation Learning",
         "word embeddings, sequence models, transformers and pretrained language models"),
        (1012, "Natural Language Understanding and Computational Semantics",
         "meaning representation, inference and evaluation of language understanding systems"),
        (1014, "Optimization and Computational Linear Algebra for Data Science",
         "matrix decompositions, convex optimization and gradient methods"),
        (1015, "Text as Data",
         "statistical and machine-learning methods for analysing large text collections"),
        (1018, "Probabilistic Time Series Analysis",
         "state-space models, hidden Markov models and Bayesian forecasting"),
        (3001, "Advanced Topics in Data Science",
         "a rotating research topic in data science chosen by the instructor."),
    )),
    Subject("MATH-GA", "Mathematics", "math", "gsas_cs", 3, (
        (1002, "Multivariable Analysis",
         "differentiation and integration in several variables, differential forms and Stokes's theorem"),
        (1410, "Introduction to Math Analysis I",
         "the real numbers, sequences, series, continuity and differentiation"),
        (1420, "Introduction to Math Analysis II",
         "Riemann integration, uniform convergence and Fourier series"),
        (2010, "Numerical Methods I",
         "floating point, linear systems, least squares, eigenvalue problems and optimization"),
        (2110, "Linear Algebra I",
         "vector spaces, linear maps, canonical forms and spectral theory"),
        (2111, "Linear Algebra II",
         "multilinear algebra, matrix analysis and applications"),
        (2791, "Derivative Securities",
         "forwards, futures, options and the mathematics of hedging and pricing"),
        (2792, "Continuous Time Finance",
         "stochastic calculus models of asset prices and interest rates"),
        (2901, "Basic Probability",
         "probability spaces, random variables, conditional expectation and limit theorems"),
        (2902, "Stochastic Calculus",
         "Brownian motion, Ito calculus and stochastic differential equations"),
    )),
    Subject("FINC-UB", "Finance", "biz", "stern", 3, (
        (2, "Foundations of Finance",
         "present value, risk and return, portfolio theory, the CAPM and an introduction to derivatives", 4),
        (7, "Corporate Finance",
         "capital budgeting, capital structure, payout policy and the valuation of firms", 4),
        (9, "Debt Instruments and Markets",
         "bond pricing, the term structure, interest-rate risk and fixed-income derivatives"),
        (14, "Investment Banking",
         "underwriting, IPOs, advisory work and the economics of the investment banking industry"),
        (15, "Risk Management in Financial Institutions",
         "market, credit and liquidity risk and how banks measure and manage them"),
        (21, "Real Estate Finance",
         "real estate markets, mortgages, securitization and property valuation"),
        (28, "Quantitative Investment Strategies",
         "factor models, backtesting and systematic portfolio construction"),
        (40, "Futures and Options",
         "the pricing and use of futures, options and swaps"),
        (41, "Valuation",
         "discounted cash flow, relative valuation and the valuation of private and distressed firms"),
        (43, "Financial Technology",
         "payments, lending platforms, robo-advisors and digital assets"),
        (45, "Behavioral Finance",
         "investor psychology, limits to arbitrage and market anomalies"),
        (56, "Mergers and Acquisitions",
         "deal structuring, valuation and the strategic rationale for mergers"),
        (60, "Global Banking and Financial Markets",
         "international banking, capital flows and financial crises"),
        (61, "Entrepreneurial Finance",
         "venture capital, startup valuation and financing new ventures"),
        (65, "Sustainable Finance",
         "ESG investing, climate risk and impact measurement"),
    )),
    Subject("ACCT-UB", "Accounting", "biz", "stern", 4, (
        (1, "Principles of Financial Accounting",
         "the accounting cycle, financial statements and the measurement of assets, liabilities and income"),
        (3, "Intermediate Financial Accounting I",
         "revenue recognition, receivables, inventories and long-lived assets under GAAP"),
        (4, "Principles of Managerial Accounting",
         "cost behaviour, budgeting, performance measurement and decision making inside the firm"),
        (6, "Intermediate Financial Accounting II",
         "liabilities, leases, pensions, income taxes and shareholders' equity"),
        (18, "Financial Statement Analysis",
         "ratio analysis, earnings quality and forecasting from financial statements", 3),
        (21, "Taxation of Individuals and Business Income",
         "the federal income tax system and its effects on individual and business decisions", 3),
        (40, "Auditing",
         "audit planning, internal control, evidence and professional responsibility", 3),
        (43, "Accounting Analytics",
         "data analytics tools applied to accounting and audit data", 3),
    )),
    Subject("MKTG-UB", "Marketing", "biz", "stern", 3, (
        (1, "Introduction to Marketing",
         "segmentation, targeting, positioning and the marketing mix", 4),
        (2, "Consumer Behavior",
         "how consumers perceive, choose and use products and brands"),
        (3, "Marketing Research",
         "survey design, experiments and the analysis of market data"),
        (8, "Digital Marketing",
         "search, social and programmatic advertising and their measurement"),
        (40, "Marketing Analytics",
         "customer lifetime value, attribution and predictive models for marketing decisions"),
        (55, "Brand Strategy",
         "building, measuring and managing brand equity"),
    )),
    Subject("STAT-UB", "Statistics", "biz", "stern", 4, (
        (1, "Statistics for Business Control",
         "probability, sampling and inference for business decisions"),
        (15, "Introduction to Data Science for Business",
         "predictive modelling and data-driven decision making for managers", 3),
        (18, "Forecasting Time Series Data",
         "trend, seasonality, ARIMA models and forecast evaluation", 3),
        (103, "Statistics for Business Control and Regression/Time Series Models",
         "inference, multiple regression and time-series models for business data"),
    )),
    Subject("FINC-GB", "Finance", "biz", "stern_grad", 3, (
        (2302, "Corporate Finance",
         "investment and financing decisions of the firm for MBA students"),
        (2311, "Foundations of Finance",
         "valuation, risk and return, and capital markets for MBA students"),
        (2333, "Debt Instruments and Markets",
         "fixed-income securities, the yield curve and interest-rate derivatives"),
        (3121, "Valuation",
         "discounted cash flow and multiples-based valuation across the corporate life cycle"),
        (3331, "Futures and Options",
         "derivatives pricing and hedging strategies for practitioners"),
        (3335, "Investment Banking",
         "capital raising, M&A advisory and the structure of the industry"),
    )),
    Subject("MPATE-UE", "Music Technology", "arts", "steinhardt", 3, (
        (1001, "Music Technology Forum",
         "a weekly colloquium with visiting engineers, producers and researchers", 0),
        (1037, "Fundamentals of Music Technology",
         "MIDI, digital audio, sequencing and the basics of recording and synthesis"),
        (1055, "Electronic Music Synthesis",
         "subtractive, FM and granular synthesis on analog and software instruments"),
        (1072, "Acoustics and Psychoacoustics",
         "the physics of sound and how the auditory system perceives it"),
        (1080, "Digital Audio Processing",
         "filters, effects and spectral processing implemented in code"),
        (1085, "Recording Studio Techniques",
         "microphones, signal flow, tracking and mixing in a professional studio"),
        (1090, "Concert Recording",
         "live recording of ensembles in concert halls", 2),
        (1095, "Audio for Video",
         "dialogue editing, Foley, sound effects and mixing to picture"),
        (1100, "Sound Design for Games",
         "interactive audio, middleware and adaptive music for games"),
        (1110, "Music Information Retrieval",
         "computational analysis of audio and symbolic music data"),
        (1120, "Senior Thesis in Music Technology",
         "an independent research or creative thesis project", 2),
    )),
    Subject("MPATC-UE", "Music Theory and Composition", "arts", "steinhardt", 3, (
        (1001, "Music Theory I",
         "fundamentals of pitch, rhythm, scales, intervals and diatonic harmony"),
        (1002, "Music Theory II",
         "voice leading, harmonic progression and phrase structure"),
        (1003, "Music Theory III",
         "chromatic harmony, modulation and musical form"),
        (1004, "Music Theory IV",
         "twentieth-century techniques and post-tonal analysis"),
        (1011, "Aural Comprehension I",
         "sight singing, dictation and rhythmic reading", 2),
        (1012, "Aural Comprehension II",
         "advanced dictation and sight singing in chromatic contexts", 2),
        (1030, "Orchestration",
         "instrument ranges, timbre and scoring for orchestra", 2),
        (1040, "Composition Workshop",
         "writing and workshopping original pieces for chamber ensembles"),
        (1050, "Songwriting",
         "melody, lyric and form in popular song", 2),
        (1060, "Scoring for Film and Media",
         "composing music to picture for film, television and games"),
    )),
    Subject("NURSE-UN", "Nursing", "health", "nursing", 4, (
        (100, "Introduction to Professional Nursing",
         "the history, ethics and roles of the nursing profession", 2),
        (210, "Foundations of Nursing Practice",
         "core nursing concepts, patient safety and basic clinical skills"),
        (215, "Nursing Skills Laboratory",
         "supervised practice of clinical skills in the simulation centre", 0),
        (220, "Health Assessment and Promotion",
         "history taking, physical examination and health promotion across the life span", 3),
        (230, "Pathophysiology",
         "the mechanisms of disease and the body's response to illness", 3),
        (235, "Pharmacology",
         "drug classes, mechanisms of action and safe medication administration", 3),
        (240, "Nutrition and Health",
         "nutrition science and its application to patient care", 2),
        (260, "Evidence-Based Practice and Nursing Research",
         "appraising research and applying evidence to clinical decisions", 3),
        (270, "Nursing Care of the Adult I",
         "care of adults with acute and chronic illness, with clinical rotations", 6),
        (275, "Nursing Care of the Adult II",
         "care of adults with complex medical-surgical conditions, with clinical rotations", 6),
        (280, "Maternal-Newborn Nursing",
         "care of families during pregnancy, birth and the postpartum period"),
        (285, "Pediatric Nursing",
         "care of children and adolescents and their families"),
        (290, "Psychiatric-Mental Health Nursing",
         "therapeutic communication and care of patients with mental illness"),
        (300, "Community and Public Health Nursing",
         "population health, prevention and care in community settings"),
        (310, "Leadership and Management in Nursing",
         "leadership, quality improvement and the management of care teams", 3),
        (320, "Capstone Clinical Practicum",
         "an intensive clinical immersion with a preceptor in a specialty unit"),
    )),
    Subject("FMTV-UT", "Film and Television", "arts", "tisch", 4, (
        (1001, "Sight & Sound: Filmmaking",
         "hands-on production of short films, covering camera, lighting, sound and editing"),
        (1002, "Sight & Sound: Documentary",
         "documentary production from research and interviews to the final cut"),
        (1005, "Sight & Sound: Studio",
         "multi-camera studio production and live television workflows"),
        (1013, "The Language of Film",
         "the formal elements of cinema: shot, cut, sound and narrative structure"),
        (1014, "History of Film",
         "a survey of world cinema from the silent era to the digital age"),
        (1026, "Storytelling Strategies",
         "narrative structure, character and point of view across media", 2),
        (1100, "Intermediate Narrative Workshop",
         "producing a synch-sound narrative short film in crews"),
        (1101, "Cinematography I",
         "cameras, lenses, exposure and lighting for motion pictures", 3),
        (1102, "Editing I",
         "the theory and practice of picture editing", 3),
        (1103, "Sound Design",
         "recording, editing and mixing sound for film", 2),
        (1104, "Producing for Film and Television",
         "budgeting, scheduling, financing and the business of production", 3),
        (1105, "Directing the Actor",
         "script analysis, rehearsal and performance for the camera", 3),
        (1110, "Screenwriting: The Short Film",
         "writing and revising short screenplays"),
        (1150, "Advanced Production Workshop",
         "a thesis-level film produced under faculty mentorship"),
        (1200, "Writing the Half-Hour Comedy",
         "developing and writing an original half-hour comedy pilot"),
        (1201, "Writing the One-Hour Drama",
         "developing and writing an original one-hour drama pilot"),
    )),
    Subject("GPH-GU", "Global Public Health", "health", "gph", 3, (
        (2106, "Epidemiology",
         "measures of disease frequency, study designs, bias and causal inference in public health"),
        (2110, "Global Issues in Social and Behavioral Health",
         "social determinants of health and behaviour-change interventions worldwide"),
        (2140, "Environmental Health",
         "air, water, climate and occupational exposures and their health effects"),
        (2153, "Health Policy and Management",
         "health systems, financing and policy analysis"),
        (2160, "Global Health Program Planning",
         "designing, implementing and evaluating public health programs"),
        (2995, "Biostatistics for Public Health",
         "descriptive statistics, inference and regression for health data"),
    )),
    Subject("PADM-GP", "Public Administration", "biz", "wagner", 4, (
        (2110, "Managing Public Service Organizations",
         "leadership, strategy and organizational design in public and nonprofit settings"),
        (2140, "Statistical Methods for Public, Nonprofit, and Health Management",
         "descriptive statistics, inference and regression for policy analysis"),
        (2170, "Microeconomics for Public Management, Planning, and Policy Analysis",
         "microeconomic tools for evaluating public policies"),
        (2171, "Program Analysis and Evaluation",
         "impact evaluation, cost-benefit analysis and research design"),
        (2190, "Public Economics and Finance",
         "government budgets, taxation and public expenditure"),
        (2411, "Introduction to Urban Planning",
         "land use, zoning, transportation and the politics of urban development"),
    )),
    Subject("LAW-LW", "Law", "law", "law", 4, (
        (10598, "Contracts",
         "formation, interpretation, performance and remedies in contract law"),
        (10802, "Torts",
         "negligence, strict liability and intentional torts"),
        (11147, "Constitutional Law",
         "judicial review, federalism, separation of powers and individual rights"),
        (11650, "Criminal Law",
         "the elements of crimes, defences and the purposes of punishment"),
        (11722, "Property",
         "ownership, estates, landlord-tenant law and land-use regulation"),
        (12355, "Civil Procedure",
         "jurisdiction, pleading, discovery and the structure of civil litigation"),
    )),
)

#: Tandon codes encode credits in their last digit (CS-UY 1114 = 4 credits, CS-GY 6033 = 3 credits).
TANDON_LAST_DIGIT_CREDITS = ("-UY", "-GY")

DESCRIPTION_LEADS = (
    "Covers {focus}.",
    "Students study {focus}.",
    "Topics include {focus}.",
    "Explores {focus}.",
    "A course on {focus}.",
    "This course examines {focus}.",
)
INTRO_LEADS = ("An introduction to {focus}.",)
SECOND_SENTENCES: dict[str, tuple[str, ...]] = {
    "cs": (
        "Weekly programming assignments and a final project.",
        "Assessment is through programming projects, quizzes and a final exam.",
        "Students work in pairs on several substantial projects.",
        "Includes a team project presented at the end of the semester.",
    ),
    "math": (
        "Weekly problem sets, two midterms and a final exam.",
        "Emphasis is on writing clear and correct proofs.",
        "Includes a short expository project.",
    ),
    "sci": (
        "Weekly problem sets and three exams.",
        "Laboratory work accompanies the lectures.",
        "Readings from the primary literature supplement the textbook.",
    ),
    "soc": (
        "Readings combine classic studies and current research.",
        "Includes a short empirical research project.",
        "Assessment is through exams and a final paper.",
    ),
    "hum": (
        "Readings are drawn largely from primary sources; students write several short essays.",
        "Seminar-style discussion with a final research paper.",
        "Includes frequent short writing assignments and a final essay.",
    ),
    "writing": (
        "Students write and revise four essays over the semester.",
        "Small workshop sections with individual conferences.",
    ),
    "arts": (
        "Students present their work for group critique.",
        "Includes hands-on studio assignments and a final project.",
        "Lab time outside class is required.",
    ),
    "biz": (
        "Case studies from practice are used throughout.",
        "Includes a team project with a final presentation.",
        "Assessment combines problem sets, cases and exams.",
    ),
    "health": (
        "Includes case-based learning and simulation.",
        "Clinical examples illustrate every topic.",
    ),
    "law": (
        "Taught by the case method.",
        "Assessment is by a final examination.",
    ),
}

# ---------------------------------------------------------------------------------------------------------
# Prerequisites and programs (hand-written where the structure matters; the rest is generated)
# ---------------------------------------------------------------------------------------------------------

#: (courseCode, type, courses[, creditsRequired]). Lower-numbered / more basic courses only, so acyclic.
PREREQUISITES: tuple[tuple[Any, ...], ...] = (
    ("CSCI-UA 61", "alternative", ["CSCI-UA 2", "CSCI-UA 3", "CSCI-UA 4"]),
    ("CSCI-UA 102", "required", ["CSCI-UA 101"]),
    ("CSCI-UA 201", "required", ["CSCI-UA 102"]),
    ("CSCI-UA 202", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 310", "required", ["CSCI-UA 102", "MATH-UA 120"]),
    ("CSCI-UA 310", "alternative", ["MATH-UA 121", "MATH-UA 131"]),
    ("CSCI-UA 330", "required", ["CSCI-UA 102"]),
    ("CSCI-UA 380", "required", ["CSCI-UA 102"]),
    ("CSCI-UA 421", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 421", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("CSCI-UA 430", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 443", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 443", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("CSCI-UA 444", "required", ["CSCI-UA 102"]),
    ("CSCI-UA 453", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 460", "required", ["CSCI-UA 202"]),
    ("CSCI-UA 461", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 462", "required", ["CSCI-UA 202"]),
    ("CSCI-UA 463", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 464", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 465", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 465", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("CSCI-UA 467", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 469", "required", ["CSCI-UA 201", "CSCI-UA 310"]),
    ("CSCI-UA 470", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 471", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 472", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 473", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 473", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("CSCI-UA 474", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 475", "alternative", ["CSCI-UA 310", "DS-UA 112"]),
    ("CSCI-UA 476", "required", ["CSCI-UA 201"]),
    ("CSCI-UA 478", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 479", "required", ["CSCI-UA 102"]),
    ("CSCI-UA 480", "options", ["CSCI-UA 201", "CSCI-UA 202", "CSCI-UA 310"], 8),
    ("CSCI-UA 481", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 482", "required", ["CSCI-UA 473"]),
    ("CSCI-UA 490", "options", ["CSCI-UA 202", "CSCI-UA 310", "CSCI-UA 453", "CSCI-UA 462"], 8),
    ("CSCI-UA 520", "required", ["CSCI-UA 310"]),
    ("CSCI-UA 997", "options", ["CSCI-UA 201", "CSCI-UA 202", "CSCI-UA 310"], 8),
    ("MATH-UA 122", "required", ["MATH-UA 121"]),
    ("MATH-UA 123", "required", ["MATH-UA 122"]),
    ("MATH-UA 129", "required", ["MATH-UA 122"]),
    ("MATH-UA 132", "required", ["MATH-UA 131"]),
    ("MATH-UA 133", "required", ["MATH-UA 132"]),
    ("MATH-UA 140", "alternative", ["MATH-UA 121", "MATH-UA 131"]),
    ("MATH-UA 148", "alternative", ["MATH-UA 122", "MATH-UA 132"]),
    ("MATH-UA 233", "alternative", ["MATH-UA 123", "MATH-UA 129"]),
    ("MATH-UA 234", "required", ["MATH-UA 233"]),
    ("MATH-UA 235", "alternative", ["MATH-UA 122", "MATH-UA 132"]),
    ("MATH-UA 240", "required", ["MATH-UA 120"]),
    ("MATH-UA 248", "required", ["MATH-UA 120"]),
    ("MATH-UA 250", "required", ["MATH-UA 233"]),
    ("MATH-UA 251", "required", ["MATH-UA 140"]),
    ("MATH-UA 251", "alternative", ["MATH-UA 123", "MATH-UA 129"]),
    ("MATH-UA 252", "required", ["MATH-UA 123", "MATH-UA 140"]),
    ("MATH-UA 262", "required", ["MATH-UA 123"]),
    ("MATH-UA 262", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("MATH-UA 263", "required", ["MATH-UA 262"]),
    ("MATH-UA 264", "required", ["MATH-UA 262"]),
    ("MATH-UA 270", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("MATH-UA 282", "required", ["MATH-UA 123"]),
    ("MATH-UA 325", "required", ["MATH-UA 123"]),
    ("MATH-UA 325", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("MATH-UA 326", "required", ["MATH-UA 325"]),
    ("MATH-UA 328", "alternative", ["MATH-UA 123", "MATH-UA 129"]),
    ("MATH-UA 343", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("MATH-UA 344", "required", ["MATH-UA 343"]),
    ("MATH-UA 348", "required", ["MATH-UA 148"]),
    ("MATH-UA 375", "alternative", ["MATH-UA 325", "MATH-UA 328"]),
    ("MATH-UA 377", "options", ["MATH-UA 282", "MATH-UA 325", "MATH-UA 326", "MATH-UA 343"], 8),
    ("MATH-UA 397", "options", ["MATH-UA 325", "MATH-UA 328", "MATH-UA 343", "MATH-UA 348"], 8),
    ("DS-UA 112", "alternative", ["DS-UA 111", "CSCI-UA 2", "CSCI-UA 101"]),
    ("DS-UA 120", "alternative", ["MATH-UA 121", "MATH-UA 131"]),
    ("DS-UA 201", "required", ["DS-UA 112"]),
    ("DS-UA 202", "required", ["DS-UA 112"]),
    ("DS-UA 203", "required", ["DS-UA 112"]),
    ("DS-UA 204", "required", ["DS-UA 112", "DS-UA 120"]),
    ("DS-UA 301", "required", ["DS-UA 204"]),
    ("DS-UA 301", "alternative", ["MATH-UA 140", "MATH-UA 148"]),
    ("DS-UA 302", "required", ["DS-UA 204"]),
    ("DS-UA 303", "options", ["DS-UA 201", "DS-UA 202", "DS-UA 203"], 8),
    ("DS-UA 400", "options", ["DS-UA 201", "DS-UA 202", "DS-UA 203", "DS-UA 204"], 8),
    ("ECON-UA 10", "required", ["ECON-UA 2"]),
    ("ECON-UA 10", "alternative", ["MATH-UA 121", "MATH-UA 131"]),
    ("ECON-UA 11", "required", ["ECON-UA 2"]),
    ("ECON-UA 11", "alternative", ["MATH-UA 122", "MATH-UA 132"]),
    ("ECON-UA 12", "required", ["ECON-UA 1"]),
    ("ECON-UA 12", "alternative", ["ECON-UA 10", "ECON-UA 11"]),
    ("ECON-UA 13", "required", ["ECON-UA 1", "ECON-UA 11"]),
    ("ECON-UA 18", "alternative", ["MATH-UA 121", "MATH-UA 131"]),
    ("ECON-UA 20", "required", ["ECON-UA 18"]),
    ("ECON-UA 20", "alternative", ["ECON-UA 10", "ECON-UA 11"]),
    ("ECON-UA 400", "options", ["ECON-UA 10", "ECON-UA 11", "ECON-UA 12", "ECON-UA 13", "ECON-UA 20"], 12),
    ("CS-UY 1134", "required", ["CS-UY 1114"]),
    ("CS-UY 2124", "required", ["CS-UY 1134"]),
    ("CS-UY 2204", "required", ["CS-UY 1114"]),
    ("CS-UY 2214", "required", ["CS-UY 1134", "CS-UY 2204"]),
    ("CS-UY 2413", "required", ["CS-UY 1134", "MA-UY 2314"]),
    ("CS-UY 3083", "required", ["CS-UY 1134"]),
    ("CS-UY 3113", "required", ["CS-UY 2124"]),
    ("CS-UY 3224", "required", ["CS-UY 2124", "CS-UY 2214"]),
    ("CS-UY 3254", "required", ["CS-UY 3224"]),
    ("CS-UY 3923", "required", ["CS-UY 2214"]),
    ("CS-UY 3943", "options", ["CS-UY 2124", "CS-UY 2214", "CS-UY 2413"], 8),
    ("CS-UY 4513", "required", ["CS-UY 2124"]),
    ("CS-UY 4523", "required", ["CS-UY 4513"]),
    ("CS-UY 4533", "required", ["CS-UY 2124"]),
    ("CS-UY 4533", "alternative", ["MA-UY 2034", "MA-UY 3044"]),
    ("CS-UY 4543", "required", ["CS-UY 1134"]),
    ("CS-UY 4563", "required", ["CS-UY 2413"]),
    ("CS-UY 4563", "alternative", ["MA-UY 2224", "MA-UY 3014"]),
    ("CS-UY 4613", "required", ["CS-UY 2413"]),
    ("CS-UY 4753", "required", ["CS-UY 3923"]),
    ("CS-UY 4783", "required", ["CS-UY 2413"]),
    ("CS-UY 4793", "required", ["CS-UY 3224"]),
    ("CS-UY 4923", "required", ["CS-UY 2413"]),
    ("CS-UY 4923", "alternative", ["MA-UY 2034", "MA-UY 3044"]),
    ("MA-UY 1124", "required", ["MA-UY 1024"]),
    ("MA-UY 2034", "required", ["MA-UY 1124"]),
    ("MA-UY 2114", "required", ["MA-UY 1124"]),
    ("MA-UY 2224", "required", ["MA-UY 1124"]),
    ("MA-UY 2314", "required", ["MA-UY 1024"]),
    ("MA-UY 3014", "required", ["MA-UY 2114"]),
    ("MA-UY 3044", "alternative", ["MA-UY 2034", "MA-UY 2114"]),
    ("CSCI-GA 2130", "required", ["CSCI-GA 2110"]),
    ("CSCI-GA 2421", "required", ["CSCI-GA 2420"]),
    ("CSCI-GA 2566", "required", ["CSCI-GA 2565"]),
    ("CSCI-GA 2572", "options", ["CSCI-GA 2565", "CSCI-GA 2566", "DS-GA 1003"], 3),
    ("CSCI-GA 2590", "alternative", ["CSCI-GA 2565", "DS-GA 1003"]),
    ("CSCI-GA 2621", "required", ["CSCI-GA 2250"]),
    ("CSCI-GA 3205", "alternative", ["CSCI-GA 2262", "CSCI-GA 2620"]),
    ("CSCI-GA 3520", "required", ["CSCI-GA 1170"]),
    ("DS-GA 1003", "required", ["DS-GA 1001", "DS-GA 1002"]),
    ("DS-GA 1004", "required", ["DS-GA 1001"]),
    ("DS-GA 1006", "options", ["DS-GA 1001", "DS-GA 1003", "DS-GA 1004"], 6),
    ("DS-GA 1008", "required", ["DS-GA 1003"]),
    ("DS-GA 1011", "required", ["DS-GA 1003"]),
    ("DS-GA 1012", "alternative", ["DS-GA 1008", "DS-GA 1011"]),
    ("DS-GA 3001", "required", ["DS-GA 1003"]),
    ("CS-GY 5403", "required", ["CS-GY 5303"]),
    ("CS-GY 6043", "required", ["CS-GY 6033"]),
    ("CS-GY 6253", "required", ["CS-GY 6233"]),
    ("CS-GY 6413", "required", ["CS-GY 6373"]),
    ("CS-GY 6573", "required", ["CS-GY 6133"]),
    ("CS-GY 6643", "alternative", ["CS-GY 6033", "CS-GY 6613"]),
    ("CS-GY 6953", "required", ["CS-GY 6923"]),
    ("CS-GY 9223", "options", ["CS-GY 6083", "CS-GY 6313", "CS-GY 6923"], 6),
)

#: Subjects whose prerequisites are entirely hand-written above (no generated extras).
HANDWRITTEN_PREREQ_SUBJECTS = ("CSCI-UA", "MATH-UA", "DS-UA", "CS-UY", "CSCI-GA", "DS-GA", "CS-GY")

#: (name, level, school, programUrl). Names are unique because students and requirements reference programs
#: by name; Tandon's CS programs therefore carry ", Tandon" to stay distinct from the CAS/GSAS ones.
BULLETIN = "https://bulletins.nyu.edu"
PROGRAMS: tuple[tuple[str, str, str, str], ...] = (
    ("Computer Science (BA)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/computer-science-ba/"),
    ("Computer Science (BS)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/computer-science-bs/"),
    ("Computer Science and Mathematics (BA)", UG, CAS,
     f"{BULLETIN}/undergraduate/arts-science/programs/computer-science-mathematics-ba/"),
    ("Data Science (BS)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/data-science-bs/"),
    ("Mathematics (BA)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/mathematics-ba/"),
    ("Economics (BA)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/economics-ba/"),
    ("Physics (BS)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/physics-bs/"),
    ("Psychology (BA)", UG, CAS, f"{BULLETIN}/undergraduate/arts-science/programs/psychology-ba/"),
    ("Computer Science (BS, Tandon)", UG, TANDON,
     f"{BULLETIN}/undergraduate/engineering/programs/computer-science-bs/"),
    ("Finance (BS)", UG, STERN, f"{BULLETIN}/undergraduate/business/programs/business-finance-bs/"),
    ("Music Technology (BM)", UG, STEINHARDT,
     f"{BULLETIN}/undergraduate/culture-education-human-development/programs/music-technology-bm/"),
    ("Nursing (BS)", UG, NURSING, f"{BULLETIN}/undergraduate/nursing/programs/nursing-bs/"),
    ("Film and Television (BFA)", UG, TISCH, f"{BULLETIN}/undergraduate/arts/programs/film-television-bfa/"),
    ("Computer Science (MS)", GRAD, GSAS, f"{BULLETIN}/graduate/arts-science/programs/computer-science-ms/"),
    ("Computer Science (MS, Tandon)", GRAD, TANDON,
     f"{BULLETIN}/graduate/engineering/programs/computer-science-ms/"),
    ("Data Science (MS)", GRAD, GSAS, f"{BULLETIN}/graduate/arts-science/programs/data-science-ms/"),
    ("Mathematics in Finance (MS)", GRAD, GSAS,
     f"{BULLETIN}/graduate/arts-science/programs/mathematics-finance-ms/"),
)


def _codes(prefix: str, *numbers: int) -> list[str]:
    """``_codes("CSCI-UA", 101, 102)`` -> ``["CSCI-UA 101", "CSCI-UA 102"]``; keeps requirement lists short."""
    return [f"{prefix} {n}" for n in numbers]


def _req(kind: str, courses: list[str], description: str, *, major: bool = True) -> Row:
    return {"isMajor": major, "description": description, "type": kind, "courses": courses}


def _opt(courses: list[str], credits: int, description: str, *, levels: Sequence[tuple[str, int]] = (),
         major: bool = True) -> Row:
    return {
        "isMajor": major,
        "description": description,
        "type": "options",
        "courses": courses,
        "courseLevels": [{"program": p, "level": lvl} for p, lvl in levels],
        "creditsRequired": credits,
    }


CAS_WRITING = _req("alternative", _codes("EXPOS-UA", 1, 4),
                   "College Core: first-year writing (Writing as Inquiry or International Writing Workshop I)",
                   major=False)
CAS_FCC = _opt(_codes("CORE-UA", 400, 401, 500, 515, 700, 711, 720, 730), 12,
               "College Core: three Foundations of Contemporary Culture courses", major=False)

REQUIREMENTS: dict[str, list[Row]] = {
    "Computer Science (BA)": [
        _req("required", _codes("CSCI-UA", 101, 102, 201, 202, 310),
             "Computer science core, taken in sequence"),
        _req("required", _codes("MATH-UA", 120), "Discrete Mathematics"),
        _req("alternative", _codes("MATH-UA", 121, 131), "Calculus I or Mathematics for Economics I"),
        _opt([], 16, "Four computer science electives numbered CSCI-UA 400-499",
             levels=[("CSCI-UA", 400)]),
        CAS_WRITING,
        CAS_FCC,
    ],
    "Computer Science (BS)": [
        _req("required", _codes("CSCI-UA", 101, 102, 201, 202, 310),
             "Computer science core, taken in sequence"),
        _req("required", _codes("MATH-UA", 120, 121, 122), "Discrete Mathematics and Calculus I-II"),
        _req("alternative", _codes("MATH-UA", 140, 148), "Linear Algebra or Honors Linear Algebra"),
        _opt([], 20, "Five computer science electives numbered CSCI-UA 400-499", levels=[("CSCI-UA", 400)]),
        CAS_WRITING,
    ],
    "Computer Science and Mathematics (BA)": [
        _req("required", _codes("CSCI-UA", 101, 102, 201, 310), "Computer science courses"),
        _req("required", _codes("MATH-UA", 120, 121, 122, 123, 325), "Mathematics courses"),
        _req("alternative", _codes("MATH-UA", 140, 148), "Linear Algebra or Honors Linear Algebra"),
        _opt([], 8, "Two computer science electives numbered CSCI-UA 400-499", levels=[("CSCI-UA", 400)]),
        _opt(_codes("MATH-UA", 233, 248, 252, 262, 282, 343), 8, "Two mathematics electives"),
        CAS_WRITING,
    ],
    "Data Science (BS)": [
        _req("required", _codes("CSCI-UA", 101, 102) + _codes("DS-UA", 112, 201),
             "Programming and data science foundations"),
        _req("required", _codes("MATH-UA", 120, 121, 122, 140), "Mathematics foundations"),
        _req("alternative", _codes("MATH-UA", 233, 235), "Probability: Theory of Probability or Probability "
             "and Statistics"),
        _opt(_codes("DS-UA", 202, 203, 204, 301, 302, 303) + _codes("CSCI-UA", 473, 475, 476, 479), 12,
             "Three data science electives"),
        CAS_WRITING,
    ],
    "Mathematics (BA)": [
        _req("required", _codes("MATH-UA", 121, 122, 123, 140), "Calculus sequence and Linear Algebra"),
        _req("alternative", _codes("MATH-UA", 325, 328), "Analysis or Honors Analysis I"),
        _req("alternative", _codes("MATH-UA", 343, 348), "Algebra or Honors Algebra I"),
        _opt(_codes("MATH-UA", 233, 234, 240, 248, 250, 251, 252, 262, 263, 264, 270, 282, 326, 344, 375, 377),
             16, "Four mathematics electives numbered above MATH-UA 200"),
        CAS_WRITING,
    ],
    "Economics (BA)": [
        _req("required", _codes("ECON-UA", 1, 2, 18, 20), "Introductory economics, statistics and econometrics"),
        _req("alternative", _codes("ECON-UA", 10, 11), "Intermediate Microeconomics (policy or theory track)"),
        _req("alternative", _codes("ECON-UA", 12, 13), "Intermediate Macroeconomics (policy or theory track)"),
        _req("alternative", _codes("MATH-UA", 121, 131), "Calculus requirement"),
        _opt(_codes("ECON-UA", 205, 213, 215, 220, 225, 226, 227, 231, 238, 250, 266, 275, 325, 350), 16,
             "Four economics electives"),
        CAS_WRITING,
    ],
    "Physics (BS)": [
        _req("required", _codes("PHYS-UA", 91, 93, 95, 106, 120, 123, 131, 140), "Physics core"),
        _req("required", _codes("PHYS-UA", 71, 72), "Intermediate laboratory sequence"),
        _req("alternative", _codes("MATH-UA", 123, 129), "Calculus III or Honors Calculus III"),
        _opt(_codes("PHYS-UA", 124, 180, 210, 220, 230, 250), 8, "Two advanced physics electives"),
        CAS_WRITING,
    ],
    "Psychology (BA)": [
        _req("required", _codes("PSYCH-UA", 1, 10, 11), "Introduction, statistics and research methods"),
        _req("alternative", _codes("PSYCH-UA", 22, 25, 29),
             "One course in perception, cognition or cognitive neuroscience"),
        _req("alternative", _codes("PSYCH-UA", 32, 34, 35, 51),
             "One course in social, developmental, personality or clinical psychology"),
        _opt(_codes("PSYCH-UA", 300, 310, 320, 330), 8, "Two advanced seminars or laboratory courses"),
        CAS_WRITING,
    ],
    "Computer Science (BS, Tandon)": [
        _req("required", _codes("CS-UY", 1114, 1134, 2124, 2214, 2413, 3224, 4513),
             "Computer science core"),
        _req("required", _codes("MA-UY", 1024, 1124, 2314), "Calculus and discrete mathematics"),
        _req("alternative", _codes("MA-UY", 2034, 3044), "Linear algebra"),
        _req("alternative", _codes("MA-UY", 2224, 3014), "Data analysis or applied probability"),
        _opt(_codes("CS-UY", 3083, 3113, 3254, 3923, 3943, 4533, 4543, 4563, 4613, 4753, 4783, 4793, 4923),
             12, "Four computer science electives"),
    ],
    "Finance (BS)": [
        _req("required", _codes("FINC-UB", 2, 7) + _codes("ACCT-UB", 1) + _codes("STAT-UB", 103)
             + _codes("MKTG-UB", 1), "Business core for the finance concentration"),
        _req("alternative", _codes("ACCT-UB", 3, 4), "Intermediate Financial or Managerial Accounting"),
        _req("alternative", _codes("STAT-UB", 15, 18), "A data or forecasting course"),
        _opt(_codes("FINC-UB", 9, 14, 15, 21, 28, 40, 41, 43, 45, 56, 60, 61, 65), 12,
             "Four finance electives (3 credits each)"),
    ],
    "Music Technology (BM)": [
        _req("required", _codes("MPATE-UE", 1001, 1037, 1055, 1080, 1085, 1120), "Music technology core"),
        _req("required", _codes("MPATC-UE", 1001, 1002, 1011, 1012), "Music theory and aural comprehension"),
        _req("alternative", _codes("MPATE-UE", 1090, 1095), "Concert Recording or Audio for Video"),
        _opt(_codes("MPATE-UE", 1072, 1100, 1110) + _codes("MPATC-UE", 1030, 1040, 1050, 1060), 6,
             "Music technology and composition electives"),
    ],
    "Nursing (BS)": [
        _req("required", _codes("NURSE-UN", 100, 210, 215, 220, 230, 235, 260, 270, 275, 280, 285, 290, 300,
                                310, 320), "Nursing major courses and clinical sequence"),
        _req("alternative", _codes("PSYCH-UA", 1) + _codes("SOC-UA", 1), "Introductory social science"),
        _req("alternative", _codes("CHEM-UA", 120, 125), "Chemistry"),
        _opt(_codes("BIOL-UA", 130, 170) + _codes("NURSE-UN", 240) + _codes("PSYCH-UA", 34, 52), 6,
             "Health science electives"),
    ],
    "Film and Television (BFA)": [
        _req("required", _codes("FMTV-UT", 1001, 1002, 1005, 1013, 1014), "Sight & Sound and film studies core"),
        _req("alternative", _codes("FMTV-UT", 1101, 1102, 1103), "One craft course"),
        _req("alternative", _codes("FMTV-UT", 1110, 1200, 1201), "One screenwriting course"),
        _opt(_codes("FMTV-UT", 1026, 1100, 1104, 1105, 1150), 8, "Advanced production and craft electives"),
    ],
    "Computer Science (MS)": [
        _req("required", _codes("CSCI-GA", 1170, 2110, 2250),
             "Core: Fundamental Algorithms, Programming Languages, Operating Systems"),
        _req("alternative", _codes("CSCI-GA", 2433, 2620, 2621), "One systems breadth course"),
        _opt(_codes("CSCI-GA", 2130, 2262, 2270, 2271, 2420, 2440, 2560, 2565, 2566, 2572, 2590, 3033, 3205,
                    3520, 3812), 15, "Five graduate computer science electives"),
    ],
    "Computer Science (MS, Tandon)": [
        _req("required", _codes("CS-GY", 6033, 6233), "Algorithms and operating systems core"),
        _req("alternative", _codes("CS-GY", 6083, 6253, 6843), "One systems course"),
        _opt(_codes("CS-GY", 6043, 6063, 6133, 6313, 6373, 6413, 6533, 6573, 6613, 6643, 6763, 6923, 6953,
                    9223), 18, "Six graduate computer science electives"),
    ],
    "Data Science (MS)": [
        _req("required", _codes("DS-GA", 1001, 1002, 1003, 1004, 1006), "Data science core and capstone"),
        _req("alternative", _codes("DS-GA", 1008, 1011, 1012), "One deep learning or language course"),
        _opt(_codes("DS-GA", 1014, 1015, 1018, 3001) + _codes("CSCI-GA", 2565, 2590), 9,
             "Three data science electives"),
    ],
    "Mathematics in Finance (MS)": [
        _req("required", _codes("MATH-GA", 2791, 2901, 2902), "Derivatives, probability and stochastic calculus"),
        _req("alternative", _codes("MATH-GA", 1002, 1410), "Analysis background"),
        _req("alternative", _codes("MATH-GA", 2010, 2110), "Numerical methods or linear algebra"),
        _opt(_codes("MATH-GA", 1420, 2111, 2792) + _codes("DS-GA", 1003), 6, "Two electives"),
    ],
}

# ---------------------------------------------------------------------------------------------------------
# The demo student (consistent with the prerequisites above; see tests/test_seed_data.py)
# ---------------------------------------------------------------------------------------------------------

DEMO_USER_ID = "user_demo"
DEMO_STUDENT: Row = {
    "userId": DEMO_USER_ID,
    "programs": ["Computer Science (BA)"],
    "school": CAS,
    "schoolLevel": UG,
    "startingDate": {"year": 2023, "term": "fall"},
    "expectedGraduationDate": {"year": 2027, "term": "spring"},
}
#: (term, year, code, grade or None for the current term)
DEMO_HISTORY: tuple[tuple[str, int, str, str | None], ...] = (
    ("fall", 2023, "CSCI-UA 101", "a"),
    ("fall", 2023, "MATH-UA 121", "b+"),
    ("fall", 2023, "EXPOS-UA 1", "a-"),
    ("fall", 2023, "CORE-UA 400", "a"),
    ("spring", 2024, "CSCI-UA 102", "a-"),
    ("spring", 2024, "MATH-UA 120", "b"),
    ("spring", 2024, "CORE-UA 500", "b+"),
    ("spring", 2024, "ECON-UA 2", "p"),
    ("fall", 2024, "CSCI-UA 201", "b+"),
    ("fall", 2024, "MATH-UA 122", "b"),
    ("fall", 2024, "PSYCH-UA 1", "a"),
    ("spring", 2025, "CSCI-UA 202", "b"),
    ("spring", 2025, "CSCI-UA 310", "b+"),
    ("spring", 2025, "MATH-UA 140", "a-"),
    ("spring", 2025, "PHIL-UA 70", "w"),
    ("fall", 2025, "CSCI-UA 472", "a-"),
    ("fall", 2025, "CSCI-UA 474", "a"),
    ("fall", 2025, "CORE-UA 700", "a"),
    ("spring", 2026, "CSCI-UA 473", "b+"),
    ("spring", 2026, "CSCI-UA 453", "b"),
    ("spring", 2026, "HIST-UA 137", "a-"),
    ("fall", 2026, "CSCI-UA 467", None),
    ("fall", 2026, "CSCI-UA 421", None),
    ("fall", 2026, "CSCI-UA 479", None),
    ("fall", 2026, "PHIL-UA 5", None),
)
#: Spring 2027 cart: one lecture per course (plus a recitation where the course has them).
DEMO_CART = ("CSCI-UA 480", "CSCI-UA 478", "CSCI-UA 476", "ECON-UA 1")

# ---------------------------------------------------------------------------------------------------------
# Sections: popularity, corequisites, the meeting grid, rooms and instructors
# ---------------------------------------------------------------------------------------------------------

#: Lecture sections per term for high-enrolment courses (others get 1-2).
POPULAR: dict[str, int] = {
    "CSCI-UA 2": 4, "CSCI-UA 101": 6, "CSCI-UA 102": 5, "CSCI-UA 201": 4, "CSCI-UA 202": 3,
    "CSCI-UA 310": 3, "CSCI-UA 4": 2, "CSCI-UA 60": 2, "CSCI-UA 61": 2, "CSCI-UA 472": 2, "CSCI-UA 473": 2,
    "MATH-UA 9": 3, "MATH-UA 120": 4, "MATH-UA 121": 8, "MATH-UA 122": 6, "MATH-UA 123": 4,
    "MATH-UA 131": 3, "MATH-UA 132": 3, "MATH-UA 140": 4, "MATH-UA 233": 2, "MATH-UA 235": 2,
    "EXPOS-UA 1": 14, "EXPOS-UA 4": 4, "EXPOS-UA 9": 3, "EXPOS-UA 5": 3,
    "ECON-UA 1": 3, "ECON-UA 2": 4, "ECON-UA 10": 3, "ECON-UA 12": 2, "ECON-UA 18": 3, "ECON-UA 20": 3,
    "PSYCH-UA 1": 3, "PSYCH-UA 10": 2, "PSYCH-UA 11": 2,
    "PHYS-UA 11": 2, "PHYS-UA 12": 2, "PHYS-UA 91": 2, "CHEM-UA 125": 4, "CHEM-UA 126": 3,
    "CHEM-UA 225": 3, "CHEM-UA 226": 2, "BIOL-UA 11": 3, "BIOL-UA 12": 3,
    "DS-UA 111": 2, "DS-UA 112": 3, "CORE-UA 400": 3, "CORE-UA 500": 2, "CORE-UA 700": 2,
    "CS-UY 1114": 6, "CS-UY 1134": 4, "CS-UY 2124": 3, "CS-UY 2214": 2, "CS-UY 2413": 2,
    "MA-UY 1024": 6, "MA-UY 1124": 5, "MA-UY 2034": 3, "MA-UY 2314": 3, "MA-UY 2224": 2,
    "FINC-UB 2": 5, "FINC-UB 7": 3, "ACCT-UB 1": 4, "MKTG-UB 1": 3, "STAT-UB 103": 4, "STAT-UB 1": 2,
    "CSCI-GA 1170": 3, "CSCI-GA 2250": 2, "CSCI-GA 2560": 2, "CSCI-GA 2565": 2,
    "CS-GY 6033": 3, "CS-GY 6083": 2, "CS-GY 6923": 2, "CS-GY 5303": 2, "CS-GY 5403": 2,
    "DS-GA 1001": 2, "DS-GA 1003": 2, "FMTV-UT 1001": 4, "FMTV-UT 1013": 2, "MPATC-UE 1001": 2,
}

#: Courses whose lectures carry corequisite sections: (kind, children per lecture).
COREQS: dict[str, tuple[str, int]] = {
    "CSCI-UA 101": ("recitation", 2), "CSCI-UA 102": ("recitation", 1), "CSCI-UA 201": ("recitation", 1),
    "MATH-UA 121": ("recitation", 1), "MATH-UA 122": ("recitation", 1),
    "PHYS-UA 11": ("lab", 2), "PHYS-UA 12": ("lab", 2), "PHYS-UA 91": ("recitation", 1),
    "PHYS-UA 93": ("recitation", 1), "CHEM-UA 125": ("lab", 2), "CHEM-UA 126": ("lab", 2),
    "BIOL-UA 11": ("lab", 2), "BIOL-UA 12": ("lab", 2), "ECON-UA 1": ("recitation", 2),
    "ECON-UA 2": ("recitation", 2), "PSYCH-UA 1": ("recitation", 2), "CS-UY 1114": ("lab", 1),
    "CS-UY 1134": ("recitation", 1), "MA-UY 1024": ("recitation", 1), "MA-UY 1124": ("recitation", 1),
    "FINC-UB 2": ("recitation", 1), "STAT-UB 103": ("recitation", 1), "NURSE-UN 210": ("lab", 1),
    "NURSE-UN 220": ("lab", 1),
}

#: Courses that also get one online, asynchronous section (no days/times) in fall and spring.
ASYNC_SECTIONS = (
    "SOC-UA 1", "PSYCH-UA 32", "HIST-UA 137", "CORE-UA 306", "GPH-GU 2106", "MKTG-UB 2", "PHIL-UA 50",
    "ENGL-UA 260", "CS-GY 5303", "STAT-UB 1",
)

SUMMER_COURSES = (
    "CSCI-UA 2", "CSCI-UA 101", "CSCI-UA 102", "CSCI-UA 201", "MATH-UA 9", "MATH-UA 121", "MATH-UA 122",
    "MATH-UA 140", "ECON-UA 1", "ECON-UA 2", "ECON-UA 18", "PSYCH-UA 1", "PSYCH-UA 32", "EXPOS-UA 1",
    "CORE-UA 500", "PHYS-UA 11", "PHYS-UA 12", "CHEM-UA 125", "CHEM-UA 126", "BIOL-UA 11", "DS-UA 112",
    "HIST-UA 137", "PHIL-UA 1", "SOC-UA 1", "CS-UY 1114", "MA-UY 1024", "MA-UY 1124", "FINC-UB 2",
    "ACCT-UB 1", "STAT-UB 103", "CS-GY 5303", "CSCI-GA 1170",
)
JTERM_COURSES = (
    "CORE-UA 400", "CORE-UA 711", "PSYCH-UA 1", "ECON-UA 2", "HIST-UA 102", "PHIL-UA 4", "EXPOS-UA 1",
    "MATH-UA 121", "CSCI-UA 4", "FINC-UB 45", "MKTG-UB 1", "FMTV-UT 1026", "MPATE-UE 1037", "SOC-UA 2",
)

PAIRS = (("monday", "wednesday"), ("tuesday", "thursday"))
GRID = (
    ("08:00", "09:15"), ("09:30", "10:45"), ("11:00", "12:15"), ("12:30", "13:45"),
    ("14:00", "15:15"), ("15:30", "16:45"), ("17:00", "18:15"), ("18:30", "19:45"),
)
MWF_GRID = (("09:30", "10:20"), ("11:00", "11:50"), ("12:30", "13:20"), ("14:00", "14:50"))
EVENING = ("18:30", "21:00")
LAB_GRID = (("09:30", "12:15"), ("12:30", "15:15"), ("15:30", "18:15"))
SUMMER_GRID = (("09:30", "11:40"), ("12:00", "14:10"), ("14:30", "16:40"), ("18:00", "20:10"))
JTERM_GRID = (("10:00", "13:00"), ("14:00", "17:00"))

CLASS_NUMBER_RANGES: dict[tuple[str, int], tuple[int, int]] = {
    ("fall", 2026): (10000, 20000),
    ("spring", 2027): (20000, 30000),
    ("summer", 2026): (30000, 35000),
    ("j-term", 2027): (35000, 40000),
}
#: How many spring 2027 sections deliberately reuse a fall 2026 classNumber (Albert does this; the port's
#: classNumber joins must take term/year into account).
REUSED_CLASS_NUMBERS = 6


def _rooms(building: str, *numbers: str) -> list[str]:
    return [f"{building} {n}" for n in numbers]


WWH = _rooms("Warren Weaver Hall Room", "101", "102", "109", "201", "202", "312", "317", "335", "512", "517",
             "1302", "1314")
SILVER_ROOMS = _rooms("Silver Center Room", "206", "207", "208", "401", "403", "405", "408", "411", "414", "503",
                      "505", "507", "510", "513", "520", "703", "706")
CDS = _rooms("60 5th Ave Room", "110", "150", "C15", "204", "316")
MEYER = _rooms("Meyer Hall Room", "102", "121", "122", "465", "551", "636")
HUM_BUILDINGS = (
    _rooms("19 W 4th St Room", "101", "102", "211", "212", "302", "315")
    + _rooms("25 W 4th St Room", "C-10", "C-20", "102", "204", "309")
    + _rooms("7 E 12th St Room", "125", "130", "227", "231")
    + _rooms("Cantor Film Center Room", "101", "102", "200")
    + _rooms("Kimmel Center Room", "802", "803", "905", "907")
    + ["Bobst LL138", "Bobst LL139", "Bobst LL150"]
    + _rooms("Waverly Building Room", "367", "435", "567")
)
CAS_LABS = {
    "PHYS-UA": _rooms("Meyer Hall Room", "201", "203", "205", "207"),
    "CHEM-UA": _rooms("Silver Center Room", "1003", "1005", "1007", "1009", "1011"),
    "BIOL-UA": _rooms("Brown Building Room", "502", "504", "506", "508"),
}
TANDON_ROOMS = (
    _rooms("370 Jay St Room", "202", "203", "1201", "1202", "1206", "1208", "1209", "1211")
    + _rooms("Rogers Hall Room", "325", "404", "705", "707")
    + _rooms("Jacobs Academic Building Room", "473", "474", "674", "775")
    + _rooms("2 MetroTech Center Room", "817", "819", "9011")
)
ROOMS: dict[str, list[str]] = {
    "cas_cs": WWH + CDS + SILVER_ROOMS[:8],
    "cas_math": WWH + SILVER_ROOMS,
    "cas_ds": CDS + SILVER_ROOMS[8:] + WWH[:4],
    "cas_sci": MEYER + SILVER_ROOMS + _rooms("Brown Building Room", "202", "206"),
    "cas_psych": MEYER + SILVER_ROOMS[:10],
    "cas_soc": SILVER_ROOMS + HUM_BUILDINGS[:12],
    "cas_hum": HUM_BUILDINGS + SILVER_ROOMS[10:],
    "cas_core": SILVER_ROOMS + HUM_BUILDINGS,
    "gallatin": _rooms("1 Washington Pl Room", "401", "527", "601", "701", "801"),
    "tandon": TANDON_ROOMS,
    "tandon_grad": TANDON_ROOMS + _rooms("6 MetroTech Center Room", "315", "317", "402"),
    "gsas_cs": WWH[2:] + CDS,
    "stern": _rooms("Tisch Hall", "LC11", "LC13", "LC15", "LC19", "LC21", "LC23", "LC25", "UC25", "UC21")
    + _rooms("Kaufman Management Center Room", "1-70", "2-60", "2-80", "3-60", "3-90", "4-90", "5-90"),
    "stern_grad": _rooms("Kaufman Management Center Room", "1-70", "2-60", "2-80", "3-60", "3-90", "4-90",
                         "5-90", "6-60"),
    "steinhardt": _rooms("35 W 4th St Room", "303", "611", "612", "777", "779")
    + _rooms("Pless Hall Room", "001", "101") + _rooms("Dolan Studio Room", "619", "620"),
    "nursing": _rooms("433 1st Ave Room", "410", "420", "450", "720", "740"),
    "tisch": _rooms("721 Broadway Room", "006", "012", "613", "674", "1202", "1208"),
    "gph": _rooms("708 Broadway Room", "801", "808", "1006"),
    "wagner": _rooms("The Puck Building Room", "3100", "3110", "3120"),
    "law": _rooms("Vanderbilt Hall Room", "210", "214", "216", "220") + _rooms("Furman Hall Room", "120", "210"),
}
LAB_ROOMS: dict[str, list[str]] = {
    **CAS_LABS,
    "CS-UY": _rooms("370 Jay St Room", "1001", "1003", "1005"),
    "NURSE-UN": _rooms("433 1st Ave Simulation Center Room", "1070", "1072", "1074"),
}

#: Invented instructor surnames (common surnames, not a roster of real NYU faculty).
SURNAMES = (
    "Abbott", "Acosta", "Adeyemi", "Agarwal", "Ahmed", "Alvarez", "Andersen", "Aoki", "Arslan", "Bailey",
    "Banerjee", "Barros", "Becker", "Bhatt", "Bianchi", "Blum", "Bose", "Brennan", "Cabrera", "Carvalho",
    "Castillo", "Chandra", "Chang", "Chen", "Cho", "Choi", "Cohen", "Costa", "Cruz", "Dalton", "Das",
    "Delgado", "Desai", "Diallo", "Dimitrov", "Duarte", "Dubois", "Eriksen", "Esposito", "Farouk",
    "Feldman", "Fernandes", "Fischer", "Fitzgerald", "Fontaine", "Friedman", "Fujita", "Gallagher",
    "Garcia", "Ghosh", "Goldberg", "Gomez", "Grant", "Greco", "Gupta", "Haddad", "Hale", "Hamid", "Hansen",
    "Hartmann", "Hayashi", "Herrera", "Hoffman", "Horvat", "Hughes", "Ibrahim", "Ichikawa", "Iyer", "Jaffe",
    "Jensen", "Jimenez", "Joshi", "Kader", "Kang", "Kapoor", "Katz", "Keller", "Khan", "Kim", "Klein",
    "Kobayashi", "Kovac", "Kowalski", "Kramer", "Kumar", "Lam", "Landry", "Larsen", "Lee", "Levin", "Li",
    "Lindqvist", "Liu", "Lopez", "Lund", "Maddox", "Malik", "Marino", "Martins", "Mehta", "Mendoza", "Meyer",
    "Mishra", "Molina", "Moreau", "Morales", "Murphy", "Nakamura", "Navarro", "Nguyen", "Nielsen", "Novak",
    "Nwosu", "Obi", "Ochoa", "Okafor", "Okonkwo", "Olsen", "Ortiz", "Osei", "Ozturk", "Park", "Patel",
    "Pereira", "Petrov", "Pham", "Popescu", "Quinn", "Rahman", "Ramos", "Rao", "Reyes", "Ricci", "Rivera",
    "Romano", "Rosen", "Rossi", "Saito", "Salazar", "Santos", "Sato", "Schmidt", "Schwartz", "Sen", "Shah",
    "Shapiro", "Silva", "Singh", "Sokolov", "Soto", "Stein", "Suzuki", "Tan", "Tanaka", "Tran", "Turner",
    "Usman", "Valdez", "Vargas", "Vasquez", "Verma", "Volkov", "Walsh", "Wang", "Watanabe", "Weber",
    "Weiss", "Wong", "Wu", "Xu", "Yamamoto", "Yang", "Yilmaz", "Yoon", "Zhang", "Zhao", "Zhou", "Zimmerman",
)

# ---------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------


def code_key(code: str) -> tuple[str, int]:
    """Natural sort key for a course code: ``"CSCI-UA 9" < "CSCI-UA 101"``."""
    prefix, number = code.rsplit(" ", 1)
    return prefix, int(number)


def to_minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def meetings_overlap(days_a: Iterable[str], start_a: str, end_a: str,
                     days_b: Iterable[str], start_b: str, end_b: str) -> bool:
    """True when two weekly meetings share a day and their [start, end) intervals intersect."""
    if not set(days_a) & set(days_b):
        return False
    return to_minutes(start_a) < to_minutes(end_b) and to_minutes(start_b) < to_minutes(end_a)


def _describe(focus: str, category: str, intro: bool, rng: random.Random) -> str:
    """Turn a catalog focus phrase into a one- or two-sentence description with varied wording."""
    if focus.endswith("."):
        first = focus[0].upper() + focus[1:]
    elif focus.startswith(("a ", "an ")):
        first = focus[0].upper() + focus[1:] + "."
    elif focus.startswith(("how ", "whether ", "why ", "what ")):
        first = rng.choice(("Explores {focus}.", "Examines {focus}.", "Asks {focus}.")).format(focus=focus)
    else:
        leads = DESCRIPTION_LEADS + (INTRO_LEADS if intro else ())
        first = rng.choice(leads).format(focus=focus)
    if rng.random() < 0.55:
        return first + " " + rng.choice(SECOND_SENTENCES[category])
    return first


# ---------------------------------------------------------------------------------------------------------
# Table builders
# ---------------------------------------------------------------------------------------------------------


def build_app_configs() -> list[Row]:
    values = {
        "current_term": CURRENT[0],
        "current_year": str(CURRENT[1]),
        "next_term": NEXT[0],
        "next_year": str(NEXT[1]),
        "is_scrape_current": "false",
        "is_scrape_next": "false",
    }
    return [{"key": k, "value": v} for k, v in sorted(values.items())]


def build_schools() -> list[Row]:
    rows = [{"name": name, "shortName": short, "level": level}
            for name, short, levels in SCHOOLS for level in levels]
    return sorted(rows, key=lambda r: (r["name"], r["level"]))


def build_programs() -> list[Row]:
    rows = [{"name": n, "level": lvl, "school": s, "programUrl": url} for n, lvl, s, url in PROGRAMS]
    return sorted(rows, key=lambda r: r["name"])


def build_courses(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for subject in SUBJECTS:
        suffix = subject.prefix.split("-")[1]
        school = SUFFIX_SCHOOL[suffix]
        level = course_level(subject.prefix)
        url = f"https://bulletins.nyu.edu/courses/{subject.prefix.lower().replace('-', '_')}/"
        n_intro = max(2, len(subject.courses) // 4)
        for index, spec in enumerate(subject.courses):
            number, title, focus = spec[0], spec[1], spec[2]
            if len(spec) > 3:
                credits = spec[3]
            elif subject.prefix.endswith(TANDON_LAST_DIGIT_CREDITS):
                credits = number % 10
            else:
                credits = subject.default_credits
            rows.append({
                "code": f"{subject.prefix} {number}",
                "program": subject.prefix,
                "programName": subject.program_name,
                "level": level,
                "title": title,
                "credits": credits,
                "school": school,
                "description": _describe(focus, subject.category, index < n_intro, rng),
                "courseUrl": url,
            })
    return sorted(rows, key=lambda r: code_key(r["code"]))


def build_prerequisites(courses: list[Row], rng: random.Random) -> list[Row]:
    """Hand-written prerequisites plus generated ones for the remaining subjects.

    Generated prerequisites only point at lower-numbered courses in the same subject (weighted towards the
    subject's introductory courses), so the graph stays acyclic; courses the demo student takes without a
    listed prerequisite are left alone so the demo history stays consistent.
    """
    rows: list[Row] = []
    for spec in PREREQUISITES:
        row: Row = {"courseCode": spec[0], "type": spec[1], "courses": list(spec[2])}
        if spec[1] == "options":
            row["creditsRequired"] = spec[3]
        rows.append(row)

    demo_codes = {code for _t, _y, code, _g in DEMO_HISTORY} | set(DEMO_CART)
    by_subject: dict[str, list[Row]] = {}
    for course in courses:
        by_subject.setdefault(course["program"], []).append(course)
    for prefix, subject_courses in by_subject.items():
        if prefix in HANDWRITTEN_PREREQ_SUBJECTS:
            continue
        ordered = sorted(subject_courses, key=lambda c: code_key(c["code"]))
        n_intro = max(2, len(ordered) // 4)
        for index in range(n_intro, len(ordered)):
            course = ordered[index]
            roll = rng.random()
            if course["code"] in demo_codes or "Independent Study" in course["title"] or roll < 0.3:
                continue
            lower = [c for c in ordered[:index] if c["credits"] > 0 and "Independent" not in c["title"]]
            weights = [3 if i < n_intro else 1 for i in range(len(lower))]
            if len(lower) < 1:
                continue
            if roll < 0.7 or len(lower) < 3:
                kind, count = "required", 1
            elif roll < 0.9:
                kind, count = "alternative", 2
            else:
                kind, count = "options", 3
            picked: list[Row] = []
            while len(picked) < count:
                choice = rng.choices(lower, weights=weights)[0]
                if choice not in picked:
                    picked.append(choice)
            picked.sort(key=lambda c: code_key(c["code"]))
            row = {"courseCode": course["code"], "type": kind, "courses": [c["code"] for c in picked]}
            if kind == "options":
                credits = sorted(c["credits"] for c in picked)
                row["creditsRequired"] = credits[0] + credits[1]
            rows.append(row)
    type_order = {"required": 0, "alternative": 1, "options": 2}
    return sorted(rows, key=lambda r: (code_key(r["courseCode"]), type_order[r["type"]], r["courses"]))


def build_requirements() -> list[Row]:
    rows: list[Row] = []
    for program_name, _level, _school, _url in sorted(PROGRAMS):
        for req in REQUIREMENTS[program_name]:
            rows.append({"programName": program_name, **req})
    return rows


@dataclass
class Section:
    """A section being scheduled; converted to a seedAll courseOfferings row at the end."""

    course: Row
    term: str
    year: int
    label: str
    kind: str  # lecture | recitation | lab
    days: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    location: str | None = None
    instructors: list[str] = field(default_factory=list)
    status: str = "open"
    waitlist: int | None = None
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)
    class_number: int = 0


Meeting = tuple[tuple[str, ...], str, str]


class Scheduler:
    """Books rooms and instructors so no room or instructor is in two places at once within a term."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.busy: dict[tuple[str, int, str], list[Meeting]] = {}

    def is_free(self, term: str, year: int, resource: str, meeting: Meeting) -> bool:
        days, start, end = meeting
        return not any(meetings_overlap(days, start, end, d, s, e)
                       for d, s, e in self.busy.get((term, year, resource), ()))

    def book(self, term: str, year: int, resource: str, meeting: Meeting) -> None:
        self.busy.setdefault((term, year, resource), []).append(meeting)

    def place(self, section: Section, candidates: list[Meeting], rooms: Sequence[str] | None,
              instructors: Sequence[str], n_instructors: int = 1) -> bool:
        """Give ``section`` the first candidate meeting with a free room and enough free instructors."""
        term, year = section.term, section.year
        room_order = self.rng.sample(rooms, len(rooms)) if rooms else []
        people = self.rng.sample(instructors, len(instructors))
        for meeting in candidates:
            free_people = [p for p in people if self.is_free(term, year, p, meeting)][:n_instructors]
            if not free_people:
                continue
            room = None
            if rooms is not None:
                room = next((r for r in room_order if self.is_free(term, year, r, meeting)), None)
                if room is None:
                    continue
                self.book(term, year, room, meeting)
            for person in free_people:
                self.book(term, year, person, meeting)
            section.days, section.start, section.end = meeting
            section.location = room if room is not None else "Online"
            section.instructors = sorted(free_people)
            return True
        return False


def _lecture_candidates(course: Row, term: str, rng: random.Random, category: str) -> list[Meeting]:
    """Meeting patterns a lecture may use, most preferred first (ties in random order)."""
    credits, grad = course["credits"], course["level"] == GRAD
    if term == "summer":
        summer: list[Meeting] = [(WEEKDAYS[:4], s, e) for s, e in SUMMER_GRID]
        return rng.sample(summer, len(summer))
    if term == "j-term":
        jterm: list[Meeting] = [(WEEKDAYS, s, e) for s, e in JTERM_GRID]
        return rng.sample(jterm, len(jterm))
    scored: list[tuple[int, Meeting]] = []
    if credits <= 2:
        for day in WEEKDAYS:
            for slot_index, (s, e) in enumerate(GRID):
                scored.append((0 if 1 <= slot_index <= 5 else 1, ((day,), s, e)))
    elif grad:
        for day in WEEKDAYS[:4]:
            scored.append((0, ((day,), *EVENING)))
        for pair in PAIRS:
            for slot_index, (s, e) in enumerate(GRID):
                if slot_index >= 4:
                    scored.append((0 if slot_index >= 6 else 1, (pair, s, e)))
    else:
        for pair in PAIRS:
            for slot_index, (s, e) in enumerate(GRID):
                scored.append((0 if 1 <= slot_index <= 5 else 1, (pair, s, e)))
        if category in ("math", "sci") and rng.random() < 0.3:
            for s, e in MWF_GRID:
                scored.append((0, (("monday", "wednesday", "friday"), s, e)))
    rng.shuffle(scored)
    scored.sort(key=lambda item: item[0])
    return [meeting for _score, meeting in scored]


def _child_candidates(parent: Section, kind: str, rng: random.Random) -> list[Meeting]:
    """Recitations/labs meet on a day the lecture does not, so they can never collide with it."""
    free_days = [d for d in WEEKDAYS if d not in parent.days]
    grid = LAB_GRID if kind == "lab" else GRID[:7]
    scored = [(0 if day == "friday" else 1, ((day,), s, e)) for day in free_days for s, e in grid]
    rng.shuffle(scored)
    scored.sort(key=lambda item: item[0])
    return [meeting for _score, meeting in scored]


def _status(rng: random.Random, term: str) -> tuple[str, int | None]:
    roll = rng.random()
    open_share = 0.8 if term in ("summer", "j-term") else 0.6
    if roll < open_share:
        return "open", None
    if roll < open_share + (1 - open_share) / 2:
        return "closed", None
    return "waitlist", rng.randint(1, 25)


def build_offerings(courses: list[Row], rng: random.Random) -> tuple[list[Row], list[Row]]:
    """Schedule every section; returns (courseOfferings rows, userCourseOfferings rows for the demo)."""
    subjects = {s.prefix: s for s in SUBJECTS}
    by_code = {c["code"]: c for c in courses}
    sched = Scheduler(rng)

    # Instructor pools per subject, sized to the subject's load, plus teaching assistants for recitations.
    pools: dict[str, list[str]] = {}
    ta_pools: dict[str, list[str]] = {}
    for subject in SUBJECTS:
        load = sum(POPULAR.get(f"{subject.prefix} {spec[0]}", 1) for spec in subject.courses)
        pools[subject.prefix] = rng.sample(SURNAMES, min(len(SURNAMES), max(4, load // 2 + 2)))
        ta_pools[subject.prefix] = rng.sample(SURNAMES, 8)

    # Minimum sections: the demo student's current courses run this fall, and its cart courses run next
    # spring with a choice of two sections.
    forced = {(code, *CURRENT): 1 for _term, _year, code, grade in DEMO_HISTORY if grade is None}
    forced.update({(code, *NEXT): 2 for code in DEMO_CART})

    # Plan how many lecture sections each course gets in each main term.
    plan: list[tuple[Row, str, int, int]] = []
    for subject in SUBJECTS:
        n_intro = max(2, len(subject.courses) // 4)
        for index, spec in enumerate(subject.courses):
            course = by_code[f"{subject.prefix} {spec[0]}"]
            code = course["code"]
            counts: dict[tuple[str, int], int] = {}
            for term, year in (CURRENT, NEXT):
                popular = POPULAR.get(code)
                if popular is not None:
                    n = popular + (rng.choice((-1, 0, 0, 1)) if popular >= 3 else 0)
                else:
                    base = 2 if index < n_intro and course["level"] == UG else 1
                    n = base if rng.random() < (1.0 if index < n_intro else 0.75) else 0
                n = max(n, forced.get((code, term, year), 0))
                counts[(term, year)] = n
            if not any(counts.values()):
                counts[rng.choice((CURRENT, NEXT))] = 1
            for (term, year), n in counts.items():
                if n:
                    plan.append((course, term, year, n))
    for term, year, codes in (("summer", 2026, SUMMER_COURSES), ("j-term", 2027, JTERM_COURSES)):
        for code in codes:
            plan.append((by_code[code], term, year, 2 if code in POPULAR and term == "summer" else 1))

    sections: list[Section] = []
    for course, term, year, n in plan:
        prefix = course["program"]
        subject = subjects[prefix]
        rooms = ROOMS[subject.rooms]
        main_term = (term, year) in (CURRENT, NEXT)
        lectures: list[Section] = []
        for i in range(n):
            sec = Section(course, term, year, f"{i + 1:03d}", "lecture")
            online = course["level"] == GRAD and rng.random() < 0.05
            two = rng.random() < (0.12 if course["level"] == GRAD else 0.05)
            candidates = _lecture_candidates(course, term, rng, subject.category)
            if not sched.place(sec, candidates, None if online else rooms, pools[prefix], 2 if two else 1):
                if not sched.place(sec, candidates, rooms, SURNAMES):
                    raise RuntimeError(f"could not schedule {course['code']} {term} {year}")
            sec.status, sec.waitlist = _status(rng, term)
            lectures.append(sec)
        if main_term and course["code"] in ASYNC_SECTIONS:
            sec = Section(course, term, year, f"{n + 1:03d}", "lecture", location="Online",
                          instructors=[rng.choice(pools[prefix])])
            sec.status, sec.waitlist = _status(rng, term)
            lectures.append(sec)
        sections.extend(lectures)
        coreq = COREQS.get(course["code"]) if main_term else None
        if coreq is None:
            continue
        kind, per_lecture = coreq
        letter = "L" if kind == "lab" else "R"
        child_rooms = LAB_ROOMS.get(prefix, rooms) if kind == "lab" else rooms
        counter = 0
        for lecture in lectures:
            if not lecture.days:
                continue
            for _ in range(per_lecture):
                counter += 1
                child = Section(course, term, year, f"{letter}{counter:02d}", kind, parent=lecture)
                candidates = _child_candidates(lecture, kind, rng)
                if not sched.place(child, candidates, child_rooms, ta_pools[prefix]):
                    if not sched.place(child, candidates, child_rooms, SURNAMES):
                        raise RuntimeError(f"could not schedule a {kind} for {course['code']}")
                child.status, child.waitlist = _status(rng, term)
                lecture.children.append(child)
                sections.append(child)

    # Class numbers: unique per (term, year), ascending in catalog order like Albert's listings.
    for term_year, (low, high) in CLASS_NUMBER_RANGES.items():
        in_term = [s for s in sections if (s.term, s.year) == term_year]
        numbers = sorted(rng.sample(range(low, high), len(in_term)))
        for sec, number in zip(in_term, numbers, strict=True):
            sec.class_number = number

    # Deliberately reuse a few fall 2026 class numbers for spring 2027 sections of the same course.
    fall_by_course: dict[str, list[Section]] = {}
    for sec in sections:
        if (sec.term, sec.year) == CURRENT and sec.kind == "lecture":
            fall_by_course.setdefault(sec.course["code"], []).append(sec)
    reusable = [s for s in sections
                if (s.term, s.year) == NEXT and s.kind == "lecture" and not s.children
                and s.course["code"] in fall_by_course and s.course["code"] not in DEMO_CART]
    for spring_sec in rng.sample(reusable, REUSED_CLASS_NUMBERS):
        fall_sec = fall_by_course[spring_sec.course["code"]][0]
        spring_sec.class_number = fall_sec.class_number
    reused = {s.class_number for s in sections if (s.term, s.year) == NEXT} & {
        s.class_number for s in sections if (s.term, s.year) == CURRENT}

    cart = _demo_cart(sections, reused)
    rows = [_offering_row(s) for s in sections]
    rows.sort(key=lambda r: (r["year"], TERM_ORDER[r["term"]], code_key(r["courseCode"]),
                             r["isCorequisite"], r["section"]))
    cart_rows = [{"userId": DEMO_USER_ID, "classNumber": n} for n in sorted(cart)]
    return rows, cart_rows


def _demo_cart(sections: list[Section], reused: set[int]) -> list[int]:
    """Pick non-conflicting spring 2027 sections for the demo student's cart (avoiding reused numbers).

    Each cart course contributes one lecture plus, if the lecture has corequisites, one of its
    recitations/labs; a small backtracking search finds a combination in which nothing overlaps.
    """

    def timed(sec: Section) -> bool:
        return bool(sec.days) and sec.start is not None and sec.class_number not in reused

    def clash(a: Section, b: Section) -> bool:
        return meetings_overlap(a.days, a.start or "", a.end or "", b.days, b.start or "", b.end or "")

    choices: list[list[list[Section]]] = []
    for code in DEMO_CART:
        bundles: list[list[Section]] = []
        for lecture in sections:
            if (lecture.course["code"], lecture.term, lecture.year, lecture.kind) != (code, *NEXT, "lecture"):
                continue
            if not timed(lecture):
                continue
            if lecture.children:
                bundles.extend([lecture, child] for child in lecture.children if timed(child))
            else:
                bundles.append([lecture])
        choices.append(bundles)

    def search(index: int, chosen: list[Section]) -> list[Section] | None:
        if index == len(choices):
            return chosen
        for bundle in choices[index]:
            if not any(clash(a, b) for a in bundle for b in chosen):
                found = search(index + 1, chosen + bundle)
                if found is not None:
                    return found
        return None

    result = search(0, [])
    if result is None:
        raise RuntimeError(f"no conflict-free spring 2027 cart for {DEMO_CART}")
    return [s.class_number for s in result]


def _offering_row(sec: Section) -> Row:
    course = sec.course
    row: Row = {
        "courseCode": course["code"],
        "classNumber": sec.class_number,
        "title": course["title"],
        "section": sec.label,
    }
    if sec.kind == "lecture":
        row["description"] = course["description"]
    row.update({
        "year": sec.year,
        "term": sec.term,
        "level": course["level"],
        "school": course["school"],
        "instructors": sec.instructors,
        "location": sec.location,
        "days": list(sec.days),
    })
    if sec.start is not None and sec.end is not None:
        row["startTime"] = sec.start
        row["endTime"] = sec.end
    row["status"] = sec.status
    if sec.waitlist is not None:
        row["waitlistNum"] = sec.waitlist
    row["isCorequisite"] = sec.parent is not None
    if sec.parent is not None:
        row["corequisiteOf"] = sec.parent.class_number
    return row


def build_user_courses(by_code: dict[str, Row]) -> list[Row]:
    rows: list[Row] = []
    for term, year, code, grade in DEMO_HISTORY:
        row: Row = {"userId": DEMO_USER_ID, "courseCode": code, "title": by_code[code]["title"],
                    "year": year, "term": term}
        if grade is not None:
            row["grade"] = grade
        rows.append(row)
    return sorted(rows, key=lambda r: (r["year"], TERM_ORDER[r["term"]], code_key(r["courseCode"])))


# ---------------------------------------------------------------------------------------------------------
# Whole data set, self-checks, output
# ---------------------------------------------------------------------------------------------------------


def generate(seed: int = DEFAULT_SEED) -> dict[str, list[Row]]:
    """Build every table (in seedAll's argument shape) from ``seed``; pure and deterministic."""
    rng = random.Random(seed)
    courses = build_courses(rng)
    by_code = {c["code"]: c for c in courses}
    prerequisites = build_prerequisites(courses, rng)
    offerings, cart = build_offerings(courses, rng)
    data = {
        "appConfigs": build_app_configs(),
        "schools": build_schools(),
        "programs": build_programs(),
        "courses": courses,
        "prerequisites": prerequisites,
        "requirements": build_requirements(),
        "courseOfferings": offerings,
        "students": [dict(DEMO_STUDENT)],
        "userCourses": build_user_courses(by_code),
        "userCourseOfferings": cart,
    }
    _self_check(data)
    return data


def _self_check(data: dict[str, list[Row]]) -> None:
    """Fail generation loudly on a dangling reference or a cycle (the tests check much more)."""
    codes = {c["code"] for c in data["courses"]}
    if len(codes) != len(data["courses"]):
        raise RuntimeError("duplicate course codes")
    programs = {p["name"] for p in data["programs"]}
    for row in data["requirements"]:
        if row["programName"] not in programs:
            raise RuntimeError(f"requirement for unknown program {row['programName']}")
        missing = [c for c in row["courses"] if c not in codes]
        if missing:
            raise RuntimeError(f"{row['programName']} requires unknown courses {missing}")
    graph: dict[str, list[str]] = {}
    for row in data["prerequisites"]:
        missing = [c for c in [row["courseCode"], *row["courses"]] if c not in codes]
        if missing:
            raise RuntimeError(f"prerequisite references unknown courses {missing}")
        graph.setdefault(row["courseCode"], []).extend(row["courses"])
        prefix, number = code_key(row["courseCode"])
        for dep_prefix, dep_number in map(code_key, row["courses"]):
            if dep_prefix == prefix and dep_number >= number:
                raise RuntimeError(f"{row['courseCode']} requires a higher-numbered course in its subject")
    state: dict[str, int] = {}

    def visit(code: str) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            raise RuntimeError(f"prerequisite cycle through {code}")
        state[code] = 1
        for dep in graph.get(code, ()):
            visit(dep)
        state[code] = 2

    for code in sorted(graph):
        visit(code)


def dump_json(rows: list[Row]) -> str:
    """Pretty-printed, stable JSON (insertion-ordered keys, UTF-8, trailing newline)."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"


def render_readme(data: dict[str, list[Row]], seed: int) -> str:
    offerings = data["courseOfferings"]

    def count(term: str, year: int) -> int:
        return sum(1 for o in offerings if o["term"] == term and o["year"] == year)

    fall = {o["classNumber"] for o in offerings if (o["term"], o["year"]) == CURRENT}
    spring = {o["classNumber"] for o in offerings if (o["term"], o["year"]) == NEXT}
    reused = ", ".join(str(n) for n in sorted(fall & spring))
    coreqs = sum(1 for o in offerings if o["isCorequisite"])
    online = sum(1 for o in offerings if "startTime" not in o)
    subjects = len({c["program"] for c in data["courses"]})
    table = "\n".join(f"| `{t}.json` | {len(data[t])} |" for t in TABLES)
    return f"""# Bundled AlbertPlus sample data

**This is a plausible SAMPLE, not NYU's live catalog.** Course codes, titles and program names follow the
style of the NYU bulletin (and many well-known courses carry their real titles), but descriptions, sections,
meeting times, rooms, statuses and instructors are generated. Instructor names are invented surnames. Do not
use this data to plan a real semester.

The data is for "today" = fall 2026: `appConfigs` says the current term is fall 2026 and the next term is
spring 2027, and both scrape flags are `"false"`.

## Files

Each file is one table as a JSON array, in the argument shape of the original Convex `seed:seedAll` mutation
(spec §4.2). Relationships are by NAME/CODE, not by id: requirements name their program (`programName`),
prerequisites name their course (`courseCode`), the student names its programs and school, and the loader
resolves them to ids just like `seedAll`.

| file | rows |
|---|---|
{table}

- **schools**: every NYU school in the 20-name `schoolName` union, with undergraduate and graduate rows
  where the school has both, including "Non-School Based Programs - UG".
- **programs** ({len(data["programs"])}) across CAS, GSAS, Tandon, Stern, Steinhardt, Nursing and Tisch, each with
  `required`, `alternative` and `options` requirements. CAS computer science uses an `options` requirement
  with `courseLevels: [{{"program": "CSCI-UA", "level": 400}}]`. Program names are unique because they are
  the join key, so Tandon's computer science programs are named "Computer Science (BS, Tandon)" and
  "Computer Science (MS, Tandon)".
- **courses** ({len(data["courses"])}) over {subjects} subjects; school and level follow the code suffix
  (UA = CAS, GA = GSAS, UY/GY = Tandon, UB/GB = Stern, ...). Tandon credits follow the last digit of the
  course number.
- **prerequisites** ({len(data["prerequisites"])}): all three types, acyclic.
- **courseOfferings**: {count("fall", 2026)} in fall 2026, {count("spring", 2027)} in spring 2027,
  {count("summer", 2026)} in summer 2026 and {count("j-term", 2027)} in j-term 2027. {coreqs} are corequisite
  recitations/labs (`isCorequisite: true`, `corequisiteOf` = the lecture's class number in the same term),
  which never overlap their lecture. {online} are online asynchronous sections without days or times. Rooms
  and instructors are never double-booked within a term. `classNumber` is unique per (term, year), and a few
  spring 2027 sections deliberately reuse a fall 2026 class number, as Albert does, so joins on
  `classNumber` must also use the term and year. The reused numbers are: {reused}.
  Lecture sections carry the course `description`, and async sections omit `startTime`/`endTime`. The table
  schema allows both, but the original `seedAll` validator did not (spec §4.2), so load them with the
  table's rules.
- **students / userCourses / userCourseOfferings**: one demo student, `user_demo` (Computer Science (BA),
  CAS, fall 2023 to spring 2027), with graded history from fall 2023 to spring 2026 (lowercase grades,
  including a `p` and a `w`), ungraded current fall 2026 courses, and a conflict-free spring 2027 cart
  (one lecture plus its recitation). The history respects the prerequisites.

Synthetic data for benchmarks (`--scale N`) is not stored here; it comes from
`albertplus_cli.seed.synthetic.synthetic_dataset(n_courses, seed)` (codes `SYN<k>-UA <n>`, class numbers
60000 and up, so it never collides with this data set).

## Regenerating

The files are generated, not edited by hand:

```
.venv/bin/python scripts/generate_seed_data.py            # rewrites seed/
.venv/bin/python scripts/generate_seed_data.py --check    # exits 1 if seed/ is out of date
```

The generator uses a fixed `random.Random({seed})`, no network and no clock, so regeneration gives identical
bytes; `tests/test_seed_data.py` checks that, along with referential integrity, enums, class-number
uniqueness and corequisite timing. To change the data, edit the catalog tables in
`scripts/generate_seed_data.py` and regenerate.
"""


def render_files(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """File name -> exact file content for the whole ``seed/`` directory."""
    data = generate(seed)
    files = {f"{table}.json": dump_json(data[table]) for table in TABLES}
    files["README.md"] = render_readme(data, seed)
    return files


def write_dataset(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write every seed file into ``out_dir`` (created if needed); returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in render_files(seed).items():
        path = out_dir / name
        path.write_text(content, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: seed/)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})")
    parser.add_argument("--check", action="store_true", help="verify the files instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        stale = [name for name, content in render_files(args.seed).items()
                 if not (args.out / name).is_file()
                 or (args.out / name).read_text(encoding="utf-8") != content]
        if stale:
            print(f"out of date in {args.out}: {', '.join(stale)}", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date")
        return 0
    paths = write_dataset(args.out, args.seed)
    total = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files ({total / 1024:.0f} KiB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
