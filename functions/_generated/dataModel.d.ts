/* eslint-disable */
/**
 * Generated data model types.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `albertplus codegen` (`albertplus dev` does on every push).
 * @module
 */

import type { DocumentByName, TableNamesInDataModel, SystemTableNames, AnyDataModel } from "convex/server";
import type { GenericId } from "convex/values";

/**
 * A type describing your data model: tables, their documents, and their indexes.
 *
 * This type is used to parameterize methods like `queryGeneric` and `mutationGeneric`.
 */
export type DataModel = {
  appConfigs: {
    document: {
      key: string;
      value: string;
      _id: Id<"appConfigs">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "key" | "value";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_key: ["key", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  courseOfferings: {
    document: {
      courseCode: string;
      classNumber: number;
      title?: string;
      section: string;
      description?: string;
      year: number;
      term: "spring" | "summer" | "fall" | "j-term";
      level: "undergraduate" | "graduate";
      school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
      instructors: Array<string>;
      location?: string;
      days: Array<"monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday">;
      startTime?: string;
      endTime?: string;
      status: "open" | "closed" | "waitlist";
      waitlistNum?: number;
      isCorequisite: boolean;
      corequisiteOf?: number;
      _id: Id<"courseOfferings">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "classNumber" | "corequisiteOf" | "courseCode" | "days" | "description" | "endTime" | "instructors" | "isCorequisite" | "level" | "location" | "school" | "section" | "startTime" | "status" | "term" | "title" | "waitlistNum" | "year";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_class_number: ["classNumber", "term", "year", "_creationTime"];
      by_corequisite_of: ["corequisiteOf", "term", "year", "_creationTime"];
      by_course_term: ["courseCode", "term", "year", "_creationTime"];
      by_term_year: ["isCorequisite", "term", "year", "_creationTime"];
    };
    searchIndexes: {
      search_course_code: { searchField: "courseCode"; filterFields: "isCorequisite" | "term" | "year" };
      search_title: { searchField: "title"; filterFields: "isCorequisite" | "term" | "year" };
    };
    vectorIndexes: {};
  };
  courses: {
    document: {
      code: string;
      program: string;
      programName: string;
      level: "undergraduate" | "graduate";
      title: string;
      credits: number;
      school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
      description: string;
      courseUrl: string;
      _id: Id<"courses">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "code" | "courseUrl" | "credits" | "description" | "level" | "program" | "programName" | "school" | "title";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_course_code: ["code", "_creationTime"];
      by_level: ["level", "_creationTime"];
      by_school_level: ["school", "level", "_creationTime"];
    };
    searchIndexes: {
      search_title: { searchField: "title"; filterFields: "level" | "school" };
    };
    vectorIndexes: {};
  };
  prerequisites: {
    document: {
      courseId: Id<"courses">;
      type: "required";
      courses: Array<string>;
      _id: Id<"prerequisites">;
      _creationTime: number;
    } | {
      courseId: Id<"courses">;
      type: "alternative";
      courses: Array<string>;
      _id: Id<"prerequisites">;
      _creationTime: number;
    } | {
      courseId: Id<"courses">;
      type: "options";
      courses: Array<string>;
      creditsRequired: number;
      _id: Id<"prerequisites">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "courseId" | "courses" | "creditsRequired" | "type";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_course: ["courseId", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  programs: {
    document: {
      name: string;
      level: "undergraduate" | "graduate";
      school: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
      programUrl: string;
      _id: Id<"programs">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "level" | "name" | "programUrl" | "school";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_program_name: ["name", "_creationTime"];
      by_school: ["school", "_creationTime"];
    };
    searchIndexes: {
      search_name: { searchField: "name"; filterFields: "school" };
    };
    vectorIndexes: {};
  };
  requirements: {
    document: {
      programId: Id<"programs">;
      isMajor: boolean;
      description?: string;
      type: "required";
      courses: Array<string>;
      _id: Id<"requirements">;
      _creationTime: number;
    } | {
      programId: Id<"programs">;
      isMajor: boolean;
      description?: string;
      type: "alternative";
      courses: Array<string>;
      _id: Id<"requirements">;
      _creationTime: number;
    } | {
      programId: Id<"programs">;
      isMajor: boolean;
      description?: string;
      type: "options";
      courses: Array<string>;
      courseLevels: Array<{ program: string; level: number }>;
      creditsRequired: number;
      _id: Id<"requirements">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "courseLevels" | "courses" | "creditsRequired" | "description" | "isMajor" | "programId" | "type";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_program: ["programId", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  schools: {
    document: {
      name: "College of Arts and Science" | "Graduate School of Arts and Science" | "College of Dentistry" | "Gallatin School of Individualized Study" | "Leonard N. Stern School of Business" | "Liberal Studies" | "NYU Abu Dhabi" | "NYU Shanghai" | "NYU Grossman School of Medicine" | "NYU Grossman Long Island School of Medicine" | "Robert F. Wagner Graduate School of Public Service" | "Rory Meyers College of Nursing" | "School of Global Public Health" | "School of Law" | "School of Professional Studies" | "Silver School of Social Work" | "Steinhardt School of Culture, Education, and Human Development" | "Tandon School of Engineering" | "Tisch School of the Arts" | "Non-School Based Programs - UG";
      shortName: string;
      level: "undergraduate" | "graduate";
      _id: Id<"schools">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "level" | "name" | "shortName";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_name_level: ["name", "level", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  studentInvites: {
    document: {
      userId: string;
      name: string;
      email: string;
      _id: Id<"studentInvites">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "email" | "name" | "userId";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_user_id: ["userId", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  students: {
    document: {
      userId: string;
      programs: Array<Id<"programs">>;
      school: Id<"schools">;
      startingDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
      expectedGraduationDate: { year: number; term: "spring" | "summer" | "fall" | "j-term" };
      _id: Id<"students">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "expectedGraduationDate" | "expectedGraduationDate.term" | "expectedGraduationDate.year" | "programs" | "school" | "startingDate" | "startingDate.term" | "startingDate.year" | "userId";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_user_id: ["userId", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  userCourseOfferings: {
    document: {
      userId: string;
      classNumber: number;
      alternativeOf?: Id<"userCourseOfferings">;
      _id: Id<"userCourseOfferings">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "alternativeOf" | "classNumber" | "userId";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_user: ["userId", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
  userCourses: {
    document: {
      userId: string;
      courseCode: string;
      title: string;
      year: number;
      term: "spring" | "summer" | "fall" | "j-term";
      alternativeOf?: Id<"userCourses">;
      grade?: "a" | "a-" | "b+" | "b" | "b-" | "c+" | "c" | "c-" | "d+" | "d" | "p" | "f" | "w";
      _id: Id<"userCourses">;
      _creationTime: number;
    };
    fieldPaths: "_creationTime" | "_id" | "alternativeOf" | "courseCode" | "grade" | "term" | "title" | "userId" | "year";
    indexes: {
      by_id: ["_id"];
      by_creation_time: ["_creationTime"];
      by_user: ["userId", "_creationTime"];
      by_user_course_term: ["userId", "courseCode", "year", "term", "_creationTime"];
    };
    searchIndexes: {};
    vectorIndexes: {};
  };
};

/** The names of all of your tables. */
export type TableNames = TableNamesInDataModel<DataModel>;

/**
 * The type of a document stored in a table.
 *
 * @typeParam TableName - A string literal type of the table name (like "users").
 */
export type Doc<TableName extends TableNames> = DocumentByName<DataModel, TableName>;

/**
 * An identifier for a document. Ids are strings at run time; this type tells them apart by table.
 *
 * @typeParam TableName - A string literal type of the table name (like "users").
 */
export type Id<TableName extends TableNames | SystemTableNames> = GenericId<TableName>;
