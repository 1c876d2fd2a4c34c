// The .nas language: search spaces, their objectives and search settings.
// docs/language.md is the reference; this grammar is only the syntax.
// Only compiler/lib/Parser.cpp includes the code generated from this file.
grammar Nas;

module : topDecl* EOF ;

topDecl
  : importDecl
  | constDecl
  | opDecl
  | externDecl
  | metricDecl
  | templateDecl
  | searchDecl
  ;

importDecl : 'import' STRING ';' ;

constDecl : 'const' ID (':' typeRef)? '=' expr ';' ;

// ---- declarations bound to the runtime by name ----------------------------

// op conv(out: int = in_channels, kernel: int = 3) = "conv2d" { ... }
opDecl : 'op' ID paramList ('=' STRING)? (opBody | ';') ;
opBody : '{' opItem* '}' ;
opItem
  : ID '=' expr ';'                       # opProperty
  | 'trait' ID (',' ID)* ';'              # opTraits
  | requireStmt                           # opRequire
  ;

// strategy evolution(population: int = 50) = "evolution";
externDecl : kind=('strategy' | 'estimator' | 'dataset' | 'optimizer') ID paramList ('=' STRING)? ';' ;

// metric latency(device: string): float minimize;
metricDecl : 'metric' ID paramList? ':' typeRef direction=('maximize' | 'minimize')? ';' ;

paramList : '(' (param (',' param)*)? ')' ;
param : paramName ':' typeRef ('=' expr)? ;

// Declaration keywords are fine as parameter names (`table(metric: string)`);
// such a parameter is set by name, not read in an expression.
paramName : ID | 'metric' | 'strategy' | 'estimator' | 'dataset' | 'optimizer'
          | 'cell' | 'block' | 'network' | 'input' | 'output' | 'node' | 'step' | 'log' ;

typeRef
  : (ID | 'op')                           # namedType
  | (ID | 'op') '[' ']'                   # listType
  | 'tensor' ('(' expr (',' expr)* ')')?  # tensorType
  ;

// ---- templates: cells, blocks and networks -------------------------------

templateDecl : kind=('cell' | 'block' | 'network') ID paramList? '{' stmt* '}' ;

stmt
  : 'input' ID (':' typeRef)? ';'         # inputStmt
  | 'node' ID '=' expr ';'                # nodeStmt
  | 'let' ID '=' expr ';'                 # letStmt
  | constDecl                             # constStmt
  | choiceDecl                            # choiceStmt
  | requireStmt                           # requireStmtAlt
  | 'output' expr ';'                     # outputStmt
  ;

choiceDecl : 'choice' ID ':' domain ';' ;

// One leading expression, then what follows says which domain it is: a
// range (`lo..hi`), an input choice (`k of [...]`) or the alternatives
// themselves. Factored so that a mistake inside a list is reported there.
domain
  : 'any' 'of' expr                                    # subsetDomain
  | first=expr (rangeTail | 'of' inputs=expr)?         # exprDomain
  ;
rangeTail : '..' hi=expr ('step' step=expr)? (scale='log')? ;

requireStmt : 'require' expr (',' STRING)? ';' ;

// ---- search settings and objectives --------------------------------------

searchDecl : 'search' ID '{' searchItem* '}' ;
searchItem
  : settingKey '=' expr ';'               # setting
  | dir=('maximize' | 'minimize') expr ';' # objective
  | requireStmt                           # searchRequire
  | choiceDecl                            # searchChoice
  | constDecl                             # searchConst
  | 'let' ID '=' expr ';'                 # searchLet
  ;

// `shared as cell` reads naturally, so template keywords are valid keys.
sharingKey : ID | 'cell' | 'block' | 'network' ;

// Setting names that are also declaration keywords stay usable as keys.
settingKey : ID | 'strategy' | 'estimator' | 'dataset' | 'optimizer' ;

// ---- expressions (lowest precedence last) --------------------------------

expr
  : primary                                                    # primaryExpr
  | expr '(' args? ')'                                         # callExpr
  | expr '[' expr ']'                                          # indexExpr
  | expr 'shared' 'as' sharingKey                              # sharedExpr
  | expr 'independent'                                         # independentExpr
  | <assoc=right> expr '**' expr                               # powExpr
  | op=('-' | '!') expr                                        # unaryExpr
  | expr op=('*' | '/' | '%') expr                             # mulExpr
  | expr op=('+' | '-') expr                                   # addExpr
  | expr op=('<' | '<=' | '>' | '>=') expr                     # cmpExpr
  | expr op=('==' | '!=') expr                                 # eqExpr
  | expr '&&' expr                                             # andExpr
  | expr '||' expr                                             # orExpr
  | 'if' expr 'then' expr 'else' expr                          # ifExpr
  | expr '|>' expr                                             # pipeExpr
  ;

primary
  : INT                                   # intLit
  | FLOAT                                 # floatLit
  | DURATION                              # durationLit
  | STRING                                # stringLit
  | ('true' | 'false')                    # boolLit
  | ID                                    # nameRef
  | '[' (expr (',' expr)*)? ','? ']'      # listLit
  | '(' expr ')'                          # parenExpr
  ;

args : arg (',' arg)* ','? ;
arg : (paramName '=')? expr ;

// ---- tokens ----------------------------------------------------------------

DURATION : DIGITS ('ms' | 's' | 'min' | 'h') ;
FLOAT    : DIGITS '.' DIGITS EXPONENT? | DIGITS EXPONENT ;
INT      : DIGITS ;
STRING   : '"' (~["\\\r\n] | '\\' .)* '"' ;
// A string the line ends inside; the parser reports it as such.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' .)* ;
ID       : [a-zA-Z_] [a-zA-Z_0-9]* ;

fragment DIGITS   : [0-9]+ ('_' [0-9]+)* ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;

LINE_COMMENT  : '//' ~[\r\n]* -> skip ;
BLOCK_COMMENT : '/*' .*? '*/' -> skip ;
// A comment that never closes: the longest text without '*/', so a closed
// comment is always the longer match; the parser reports it.
UNTERMINATED_COMMENT : '/*' ( ~'*' | '*'+ ~[*/] )* '*'* ;
WS            : [ \t\r\n]+ -> skip ;
// Any other character is a lexer error, reported with its location.
UNKNOWN_CHAR  : . ;
