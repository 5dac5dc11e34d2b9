package portfolio

// AppealRoute is how a candidate contests a decision about their
// candidacy (non-admissibility, the jury's decision). The source
// documents and DESIGN say nothing more precise, so it gives the general
// route against an administrative decision: a recours gracieux to the
// certifier within two months of the notification, then the
// administrative court. Every page and e-mail that states the route reads
// it from here, so a certifier's own rules are written once.
const AppealRoute = "Vous pouvez contester cette décision par un recours gracieux auprès du certificateur dans un délai de deux mois à compter de sa notification, puis, le cas échéant, devant le tribunal administratif dans le même délai."

// AcquiredForLife says what a validated bloc means for the candidate, as
// the presentation of the certification puts it (seed 000, « Les blocs de
// compétences sont acquis à vie »; DESIGN rule 1).
const AcquiredForLife = "Les blocs de compétences sont acquis à vie : un bloc que le jury a validé n'a jamais à être présenté de nouveau."
